using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Engine;
using Strata.Http;
using Strata.Http.OpenApi;
using Strata.Storage;
using Strata.Validation;

namespace Strata.Audit;

/// <summary><c>GET /api/v1/audit</c>: the append-only audit log, newest first, filtered and paged. No endpoint changes it.</summary>
internal static class AuditEndpoints
{
    private const int MaxPage = 1000;

    public static void MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", Query).WithTags("Audit").Requires(Permission.Admin, global: true)
            .WithName("queryAudit").WithSummary("The audit log, newest first, filtered and paged")
            .Query(ApiParameters.Actor, ApiParameters.Action, ApiParameters.Namespace, ApiParameters.Key, ApiParameters.Since, ApiParameters.Until,
                ApiParameters.Limit, ApiParameters.AuditBefore)
            .Answers(200, "AuditPage");
        api.MapDelete("/audit", Prune).WithTags("Audit").Requires(Permission.Admin, global: true)
            .WithName("pruneAudit").WithSummary("Remove audit events older than a time or an age (the prune itself is audited)")
            .Query(ApiParameters.PruneBefore).Answers(200, "AuditPruned");
    }

    /// <summary><c>DELETE /api/v1/audit?before=T</c>: removes events older than a time (ISO 8601) or an age (<c>90d</c>).</summary>
    private static async Task<IResult> Prune(HttpContext context, SettingsEngine engine)
    {
        var text = context.Request.Query["before"].ToString();
        long before;
        if (DurationParser.TryParse(text, out var age) && age > TimeSpan.Zero && age.TotalMilliseconds < engine.Now) before = engine.Now - (long)age.TotalMilliseconds;
        else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) before = time.ToUnixTimeMilliseconds();
        else return Problems.BadRequest("before", text.Length == 0 ? "required" : "type", "'before' must be a time such as 2026-01-01T00:00:00Z or an age such as 90d.");
        if (before > engine.Now) return Problems.BadRequest("before", "range", "'before' is in the future: a prune cannot remove events still to come.");
        var deleted = await engine.PruneAuditAsync(before, (through, count) => AuditTrail.Event(context, engine, "audit.prune", "ok",
            detail: new { before = SettingJson.Time(before), throughId = through, events = count }), context.RequestAborted).ConfigureAwait(false);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("before", SettingJson.Time(before));
            w.WriteNumber("deleted", deleted);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Query(HttpRequest request, SettingsEngine engine)
    {
        var q = request.Query;
        var limit = 100;
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPage))
            return Problems.BadRequest("limit", "range", $"'limit' must be a whole number from 1 to {MaxPage}.");
        long? before = null;
        if (q.TryGetValue("before", out var b))
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return Problems.BadRequest("before", "type", "'before' must be an audit id.");
            before = id;
        }
        long? from = null, to = null;
        foreach (var (name, assign) in new (string, Action<long>)[] { ("from", v => from = v), ("to", v => to = v) })
        {
            if (!q.TryGetValue(name, out var text)) continue;
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                return Problems.BadRequest(name, "type", $"'{name}' must be a time such as 2026-11-22T10:00:00Z.");
            assign(time.ToUnixTimeMilliseconds());
        }
        string? Text(string name) => q.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

        var records = await engine.AuditLog.AuditAsync(new AuditQuery(Text("actor"), Text("action"), Text("namespace"), Text("key"), from, to, before, limit),
            request.HttpContext.RequestAborted).ConfigureAwait(false);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("audit");
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WriteNumber("id", r.Id);
                w.WriteString("at", SettingJson.Time(r.At));
                w.WriteString("actor", r.Actor);
                w.WriteString("action", r.Action);
                w.WriteString("outcome", r.Outcome);
                if (r.Namespace is not null) w.WriteString("namespace", r.Namespace);
                if (r.Key is not null) w.WriteString("key", r.Key);
                if (r.Scope is not null) w.WriteString("scope", r.Scope);
                if (r.Client is not null) w.WriteString("client", r.Client);
                if (r.RequestId is not null) w.WriteString("requestId", r.RequestId);
                if (r.Detail is not null)
                {
                    w.WritePropertyName("detail");
                    w.WriteRawValue(r.Detail);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (records.Count == limit) w.WriteNumber("nextBefore", records[^1].Id);
            w.WriteEndObject();
        });
    }
}
