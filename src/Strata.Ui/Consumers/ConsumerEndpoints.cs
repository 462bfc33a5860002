using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Engine;
using Strata.Ui.Rendering;
using Strata.Watch;

namespace Strata.Ui.Consumers;

/// <summary><c>GET /consumers</c>: the services following this server, the revision each applied and who is behind, for the namespaces the viewer may read.</summary>
internal static class ConsumerEndpoints
{
    public static void Map(IEndpointRouteBuilder ui) =>
        ui.MapGet("/consumers", List).Requires(Permission.Read);

    private static IResult List(HttpContext http, SettingsEngine engine, ConsumerRegistry registry)
    {
        var principal = AccessControl.Principal(http);
        var snapshot = engine.Current;
        var rows = new List<ConsumerRow>();
        foreach (var c in registry.List())
        {
            var visible = c.Namespaces.Where(ns => principal.Can(Permission.Read, ns)).ToList();
            if (visible.Count == 0) continue;
            // Behind on a namespace when a commit after the applied revision touched it, as the API's consumers view says.
            var behind = visible.Where(ns => (snapshot.Namespace(ns)?.Revision ?? 0) > c.AppliedRevision).ToList();
            rows.Add(new ConsumerRow(c.Instance, c.Application, c.Host, visible, c.AppliedRevision, behind, c.ConnectedSince, c.LastSeen));
        }
        var namespaces = rows.SelectMany(r => r.Namespaces).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)
            .Select(ns => new FollowedNamespace(ns, snapshot.Namespace(ns)?.Revision ?? 0,
                rows.Count(r => r.Namespaces.Contains(ns, StringComparer.OrdinalIgnoreCase)),
                rows.Count(r => r.BehindOn.Contains(ns, StringComparer.OrdinalIgnoreCase))))
            .ToList();
        return Page.Render<ConsumersPage, ConsumerList>(new ConsumerList(snapshot.Revision, engine.Now, rows, namespaces));
    }
}
