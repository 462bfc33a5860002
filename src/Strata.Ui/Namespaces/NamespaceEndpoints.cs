using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Engine;
using Strata.Ui.Rendering;

namespace Strata.Ui.Namespaces;

internal static class NamespaceEndpoints
{
    public static void Map(IEndpointRouteBuilder ui) =>
        ui.MapGet("/", List).Requires(Permission.Read);

    private static IResult List(SettingsEngine engine, HttpContext http)
    {
        var snapshot = engine.Current;
        var principal = AccessControl.Principal(http);
        var namespaces = new List<NamespaceSummary>();
        foreach (var name in engine.NamespaceNames(snapshot))
        {
            if (!principal.Can(Permission.Read, name)) continue;
            var defined = engine.Registry.FindNamespace(name);
            namespaces.Add(new NamespaceSummary(defined?.Name ?? name, defined?.Description, defined?.Settings.Count ?? 0,
                snapshot.Namespace(name)?.All.Count(s => s.HasLiveValue) ?? 0));
        }
        return Page.Render<NamespacesPage, NamespaceList>(new NamespaceList(snapshot.Revision, namespaces));
    }
}
