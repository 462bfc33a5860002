using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Audit;
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

    private static async Task<IResult> Diff(string ns, HttpRequest request, SettingsEngine engine)
    {
        if (Names.Check(ns, "Namespace") is { } nameError) return Problems.BadRequest("namespace", "name", nameError);
        var current = engine.Current.Revision;
        if (!TryRevision(request, "from", null, out var from) || from is null)
            return Problems.BadRequest("from", "required", "'from' must be a revision number.");
        if (!TryRevision(request, "to", current, out var to))
            return Problems.BadRequest("to", "type", "'to' must be a revision number.");
        if (Math.Max(from.Value, to!.Value) > current)
            return Problems.BadRequest(from.Value > current ? "from" : "to", "range", $"Revision {Math.Max(from.Value, to.Value)} is in the future; the current one is {current}.");
        var before = await engine.SnapshotAtAsync(ns, from.Value, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var after = await engine.SnapshotAtAsync(ns, to!.Value, request.HttpContext.RequestAborted).ConfigureAwait(false);
        // A secret compared in clear would answer "is it still X?" to anyone who can write X: without reveal, every
        // write of a sensitive setting is a change, equal value or not.
        var inClear = AccessControl.Principal(request.HttpContext).Can(Permission.Reveal, ns);
        var changes = Compare(before, after, ns, key => !inClear && engine.Registry.IsSensitive(ns, key));
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("namespace", ns);
            w.WriteNumber("from", from.Value);
            w.WriteNumber("to", to.Value);
            w.WriteStartArray("changes");
            foreach (var (key, scope, old, @new) in changes)
            {
                var sensitive = engine.Registry.IsSensitive(ns, key);
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

    private static async Task<IResult> RollbackKey(string ns, string key, HttpContext context, SettingsEngine engine)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "version", "scope", "comment") is { } shape) return shape;
        if (!body.TryGetProperty("version", out var v) || !RequestJson.TryInt64(v, out var version) || version < 1)
            return Problems.BadRequest("version", "required", "'version' must be the key version to return to (1 or more).");
        var scope = Scope.TryNormalize(RequestJson.OptionalString(body, "scope", out problem), out var scopeError);
        if (problem is not null) return problem;
        if (scope is null) return Problems.BadRequest("scope", "scope", scopeError!);
        var comment = RequestJson.OptionalString(body, "comment", out problem) ?? $"rollback to version {version}";
        if (problem is not null) return problem;

        var records = await engine.HistoryAsync(new HistoryQuery(ns, key, scope, Limit: int.MaxValue), context.RequestAborted).ConfigureAwait(false);
        var target = records.FirstOrDefault(r => r.Version == version);
        if (target is null) return Problems.NotFound($"'{ns}/{key}' at scope {scope} has no version {version}.");
        if (target.Unreadable is { } unreadable) return Problems.SecretUnreadable(unreadable, StatusCodes.Status409Conflict);
        var currentVersion = records.Count > 0 ? records[0].Version : 0;
        JsonElement? value = target.NewValue is null ? null : JsonSerializer.Deserialize<JsonElement>(target.NewValue);
        var change = new Change(ns, key, scope, value, currentVersion);
        var result = await engine.CommitAsync(AuditTrail.Changes(context, [change], comment) with { SkipUnchanged = true }).ConfigureAwait(false);
        return SettingsEndpoints.CommitJson(result);
    }

    private static async Task<IResult> RollbackNamespace(string ns, HttpContext context, SettingsEngine engine)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "revision", "comment") is { } shape) return shape;
        if (!body.TryGetProperty("revision", out var r) || !RequestJson.TryInt64(r, out var revision) || revision < 0)
            return Problems.BadRequest("revision", "required", "'revision' must be the revision to return to (0 or more).");
        var comment = RequestJson.OptionalString(body, "comment", out problem) ?? $"rollback of {ns} to revision {revision}";
        if (problem is not null) return problem;
        if (Names.Check(ns, "Namespace") is { } nameError) return Problems.BadRequest("namespace", "name", nameError);
        if (revision > engine.Current.Revision) return Problems.BadRequest("revision", "range", $"Revision {revision} is in the future; the current one is {engine.Current.Revision}.");

        var now = engine.Current;
        var then = await engine.SnapshotAtAsync(ns, revision, context.RequestAborted).ConfigureAwait(false);
        var changes = Compare(now, then, ns, key => engine.Registry.IsSensitive(ns, key))
            .Select(c => new Change(ns, c.Key, c.Scope,
                c.New is null ? null : JsonSerializer.Deserialize<JsonElement>(c.New),
                now.Find(ns, c.Key)?.At(c.Scope)?.Version ?? 0))
            .ToList();
        if (changes.Count == 0) return SettingsEndpoints.CommitJson(new CommitResult(now.Revision, []));
        if (changes.Select(c => then.Find(ns, c.Key)?.At(c.Scope)?.Unreadable).FirstOrDefault(u => u is not null) is { } unreadable)
            return Problems.SecretUnreadable(unreadable, StatusCodes.Status409Conflict);
        var result = await engine.CommitAsync(AuditTrail.Changes(context, changes, comment)).ConfigureAwait(false);
        return SettingsEndpoints.CommitJson(result);
    }

    /// <summary>
    /// Overrides whose live value differs between two snapshots of one namespace (null = none). Keys for which
    /// <paramref name="byWrite"/> is true differ when a different write set them, whatever the values.
    /// </summary>
    private static List<(string Key, string Scope, string? Old, string? New)> Compare(Snapshot from, Snapshot to, string ns, Func<string, bool> byWrite)
    {
        var keys = new Dictionary<(string, string), (string Key, string Scope, StoredValue? Old, StoredValue? New)>();
        foreach (var state in from.Namespace(ns)?.All ?? [])
            foreach (var v in state.Values.Where(v => v.IsLive))
                keys[(state.Key.ToLowerInvariant(), v.Scope.ToLowerInvariant())] = (state.Key, v.Scope, v, null);
        foreach (var state in to.Namespace(ns)?.All ?? [])
            foreach (var v in state.Values.Where(v => v.IsLive))
            {
                var id = (state.Key.ToLowerInvariant(), v.Scope.ToLowerInvariant());
                keys[id] = keys.TryGetValue(id, out var old) ? old with { New = v } : (state.Key, v.Scope, null, v);
            }
        return keys.Values
            .Where(c => c.Old is null || c.New is null || (byWrite(c.Key) ? c.Old.Revision != c.New.Revision : c.Old.Json != c.New.Json))
            .Select(c => (c.Key, c.Scope, c.Old?.Json, c.New?.Json))
            .OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Scope, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static bool TryRevision(HttpRequest request, string name, long? fallback, out long? value)
    {
        value = fallback;
        if (!request.Query.TryGetValue(name, out var text)) return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) return false;
        value = parsed;
        return true;
    }
}
