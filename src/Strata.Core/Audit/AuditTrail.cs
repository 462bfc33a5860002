using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.Engine;
using Strata.Storage;

namespace Strata.Audit;

/// <summary>
/// Audit events of requests that run no command (tokens, keys, reload, export): the request's <see cref="Application.Caller"/>
/// as actor, client and request id. Commands write theirs through <see cref="Application.CommandAudit"/>.
/// </summary>
internal static class AuditTrail
{
    public static string Actor(HttpContext http) => http.User.Identity?.Name ?? Access.StrataPrincipal.AnonymousName;

    /// <summary>Records an event durably before the request goes on. <paramref name="detail"/> becomes JSON; never pass a secret.</summary>
    public static Task RecordAsync(HttpContext http, string action, string outcome, string? ns = null, string? key = null, object? detail = null)
    {
        var engine = http.RequestServices.GetRequiredService<SettingsEngine>();
        return engine.AuditAsync(Event(http, engine, action, outcome, ns, key, detail));
    }

    /// <summary>An audit event of this request. <paramref name="detail"/> becomes JSON; never pass a secret.</summary>
    public static AuditRecord Event(HttpContext http, SettingsEngine engine, string action, string outcome, string? ns = null, string? key = null,
        object? detail = null) =>
        Access.AccessControl.Caller(http).Event(engine.Now, action, outcome, ns, key, detail);
}
