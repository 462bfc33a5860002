using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Http.OpenApi;
using Strata.Naming;
using Strata.Storage;

namespace Strata.Http;

/// <summary>History of a key or a namespace, diff between revisions, and rollback (each rollback is a new revision).</summary>
internal static class HistoryEndpoints
{
    private const int MaxPage = 1000;

    public static void MapHistory(this RouteGroupBuilder settings)
    {
        settings.MapGet("/{ns}/_history", (string ns, HttpRequest request, SettingsEngine engine) =>
            History(new HistoryQuery(Namespace: ns), request, engine)).Requires(Permission.Read)
            .WithName("getNamespaceHistory").WithSummary("Changes of a namespace, newest first")
            .Query(ApiParameters.Paging).Answers(200, "HistoryPage").Decrypts();
        settings.MapGet("/{ns}/{key}/history", (string ns, string key, HttpRequest request, SettingsEngine engine) =>
        {
            var scope = request.Query["scope"].ToString();
            string? normalized = null;
            if (scope.Length > 0 && (normalized = Scope.TryNormalize(scope, out var error)) is null)
                return Task.FromResult(Problems.BadRequest("scope", "scope", error!) as IResult);
            return History(new HistoryQuery(ns, key, normalized), request, engine);
        }).Requires(Permission.Read)
            .WithName("getSettingHistory").WithSummary("Changes of a key, newest first")
            .Query([ApiParameters.Scope, .. ApiParameters.Paging]).Answers(200, "HistoryPage").Decrypts();
        settings.MapGet("/{ns}/_diff", Diff).Requires(Permission.Read)
            .WithName("diffNamespace").WithSummary("Overrides that differ between two revisions")
            .Query(ApiParameters.DiffFrom, ApiParameters.DiffTo).Answers(200, "Diff").Decrypts();
        settings.MapPost("/{ns}/{key}/rollback", RollbackKey).Requires(Permission.Write)
            .WithName("rollbackSetting").WithSummary("Set a key back to an earlier version's value, as a new revision")
            .Accepts("KeyRollback").Answers(200, "CommitResult").Fails(404, 409, 412).Decrypts();
        settings.MapPost("/{ns}/_rollback", RollbackNamespace).Requires(Permission.Write)
            .WithName("rollbackNamespace").WithSummary("Return every override of a namespace to its state at a revision")
            .Accepts("NamespaceRollback").Answers(200, "CommitResult").Fails(409, 412).Decrypts();
    }

    private static async Task<IResult> History(HistoryQuery query, HttpRequest request, SettingsEngine engine)
    {
        if ((Names.Check(query.Namespace, "Namespace") ?? (query.Key is null ? null : Names.Check(query.Key, "Key"))) is { } nameError)
            return Problems.BadRequest("name", "name", nameError);
        var limit = 100;
        if (request.Query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPage))
            return Problems.BadRequest("limit", "range", $"'limit' must be a whole number from 1 to {MaxPage}.");
        long? before = null;
        if (request.Query.TryGetValue("before", out var b))
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var rev))
                return Problems.BadRequest("before", "type", "'before' must be a revision number.");
            before = rev;
        }
        var records = await engine.HistoryAsync(query with { Limit = limit, BeforeRevision = before }, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("history");
            foreach (var r in records) SettingJson.WriteHistory(w, r, engine.Registry.IsSensitive(r.Namespace, r.Key));
            w.WriteEndArray();
            // The cursor for the next (older) page.
            if (records.Count == limit) w.WriteNumber("nextBefore", records[^1].Revision);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Diff(string ns, HttpRequest request, DiffQuery query)
    {
        if (Names.Check(ns, "Namespace") is { } nameError) return Problems.BadRequest("namespace", "name", nameError);
        if (!TryRevision(request, "from", out var from) || from is null)
            return Problems.BadRequest("from", "required", "'from' must be a revision number.");
        if (!TryRevision(request, "to", out var to))
            return Problems.BadRequest("to", "type", "'to' must be a revision number.");
        var diff = await query.RunAsync(AccessControl.Caller(request.HttpContext), ns, from.Value, to, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("namespace", diff.Namespace);
            w.WriteNumber("from", diff.From);
            w.WriteNumber("to", diff.To);
            w.WriteStartArray("changes");
            foreach (var (key, scope, old, @new, sensitive) in diff.Changes)
            {
                w.WriteStartObject();
                w.WriteString("key", key);
                w.WriteString("scope", scope);
                w.WriteString("change", old is null ? "added" : @new is null ? "removed" : "changed");
                SettingJson.WriteRaw(w, "old", old, sensitive);
                SettingJson.WriteRaw(w, "new", @new, sensitive);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> RollbackKey(string ns, string key, HttpContext context, SettingsEngine engine, KeyRollbackCommand rollback)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "version", "scope", "comment") is { } shape) return shape;
        if (!body.TryGetProperty("version", out var v) || !RequestJson.TryInt64(v, out var version) || version < 1)
            return Problems.BadRequest("version", "required", "'version' must be the key version to return to (1 or more).");
        var scope = Scope.TryNormalize(RequestJson.OptionalString(body, "scope", out problem), out var scopeError);
        if (problem is not null) return problem;
        if (scope is null) return Problems.BadRequest("scope", "scope", scopeError!);
        var comment = RequestJson.OptionalString(body, "comment", out problem);
        if (problem is not null) return problem;

        var result = await rollback.RunAsync(AccessControl.Caller(context), ns, key, scope, version, comment, context.RequestAborted).ConfigureAwait(false);
        return SettingsEndpoints.CommitJson(result);
    }

    private static async Task<IResult> RollbackNamespace(string ns, HttpContext context, SettingsEngine engine, NamespaceRollbackCommand rollback)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "revision", "comment") is { } shape) return shape;
        if (!body.TryGetProperty("revision", out var r) || !RequestJson.TryInt64(r, out var revision) || revision < 0)
            return Problems.BadRequest("revision", "required", "'revision' must be the revision to return to (0 or more).");
        var comment = RequestJson.OptionalString(body, "comment", out problem);
        if (problem is not null) return problem;

        var result = await rollback.RunAsync(AccessControl.Caller(context), ns, revision, comment, context.RequestAborted).ConfigureAwait(false);
        return SettingsEndpoints.CommitJson(result);
    }

    private static bool TryRevision(HttpRequest request, string name, out long? value)
    {
        value = null;
        if (!request.Query.TryGetValue(name, out var text)) return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) return false;
        value = parsed;
        return true;
    }
}
