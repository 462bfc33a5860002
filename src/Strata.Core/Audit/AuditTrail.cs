using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.Engine;
using Strata.Storage;

namespace Strata.Audit;

/// <summary>Who, from where, under which request id: what every change set and audit event carries.</summary>
internal static class AuditTrail
{
    public static string Actor(HttpContext http) => http.User.Identity?.Name ?? Access.StrataPrincipal.AnonymousName;

    /// <summary>A change set from this request: its principal as actor, its client address and request id for the audit log.</summary>
    public static ChangeSet Changes(HttpContext http, IReadOnlyList<Change> changes, string? comment = null) =>
        Access.AccessControl.Caller(http).Changes(changes, comment);

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
