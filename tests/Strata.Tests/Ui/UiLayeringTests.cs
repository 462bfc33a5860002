using System.Reflection;
using Strata.Tests.Architecture;

namespace Strata.Tests.Ui;

/// <summary>The web UI is an HTTP surface: it reads and writes through the application layer and the engine, never the store.</summary>
public sealed class UiLayeringTests
{
    private static readonly Assembly Ui = typeof(StrataUiEndpointRouteBuilderExtensions).Assembly;

    private static bool IsStore(Type t) =>
        t.Namespace is "Strata.Storage.Sqlite" || t is { IsInterface: true, Namespace: "Strata.Storage" };

    [Fact]
    public void The_ui_never_calls_the_store()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var bodies = Ui.GetTypes().SelectMany(t => t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all)).Select(m => (Type: t, Method: m))).ToList();
        var offences = bodies
            .SelectMany(b => DependencyDirectionTests.BodyReferences(b.Method).Where(IsStore).Select(used => $"{b.Type.FullName}.{b.Method.Name} → {used.FullName}"))
            .Distinct().ToList();

        Assert.True(offences.Count == 0, string.Join("\n", offences));
        // Without this, a reader that found nothing would pass the check above for any UI.
        Assert.Contains(bodies, b => DependencyDirectionTests.BodyReferences(b.Method).Any(t => t == typeof(Strata.Application.KeyRollbackCommand)));
    }
}
