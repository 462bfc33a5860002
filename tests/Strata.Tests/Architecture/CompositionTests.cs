using Microsoft.Extensions.DependencyInjection;
using Strata.Access;
using Strata.Audit;
using Strata.Engine;
using Strata.Registry;
using Strata.Resolution;
using Strata.Security;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Architecture;

/// <summary>The engine's collaborators are registered services composed by <c>AddStrata</c>; the engine builds none of them.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task The_engine_is_composed_of_the_registered_services()
    {
        using var dir = new TempDirectory();
        var services = new ServiceCollection().AddLogging()
            .AddStrata(o =>
            {
                o.DataDirectory = dir.Path;
                o.EnvironmentVariables = new System.Collections.Hashtable();
            });
        await using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<SettingsEngine>();

        Assert.Same(provider.GetRequiredService<ISettingsLog>(), engine.Log);
        Assert.Same(provider.GetRequiredService<DefinitionRegistry>(), engine.Registry);
        Assert.Same(provider.GetRequiredService<Resolver>(), engine.Resolver);
        Assert.Same(provider.GetRequiredService<SecretKeeper>(), engine.Secrets);
        Assert.Same(provider.GetRequiredService<TokenService>(), engine.Tokens);
        Assert.Same(provider.GetRequiredService<ChangeFeed>(), engine.Feed);
        Assert.Same(provider.GetRequiredService<DeniedRequestLog>(), engine.Denials);
    }

    [Fact]
    public void The_engine_has_no_constructor_that_builds_its_own_collaborators()
    {
        var constructor = Assert.Single(typeof(SettingsEngine).GetConstructors());

        Assert.Contains(constructor.GetParameters(), p => p.ParameterType == typeof(SecretKeeper));
        Assert.Contains(constructor.GetParameters(), p => p.ParameterType == typeof(DefinitionRegistry));
    }
}
