using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Http;
using Strata.Naming;
using Strata.Storage;
using Strata.Ui.Rendering;

namespace Strata.Ui.History;

/// <summary>
/// A key's versions with a diff between any two and a rollback to one; a namespace's revisions with a rollback of the
/// namespace to one. Rollbacks are confirmed on a page of their own, which posts back what it showed as current.
/// </summary>
internal static class HistoryPageEndpoints
{
    private const int VersionsPerPage = 100;
    private const int RevisionsPerPage = 25;
    // A revision may change many keys of a namespace: one page reads this many changes to find its revisions.
    private const int ChangesPerPage = 500;

    public static void Map(IEndpointRouteBuilder ui)
    {
        var ns = ui.MapGroup("/ns/{ns}").AddEndpointFilter(new StrataExceptionFilter());
        ns.MapGet("/history", NamespaceHistory).Requires(Permission.Read);
        ns.MapGet("/rollback", ConfirmNamespaceRollback).Requires(Permission.Write);
        ns.MapPost("/rollback", RollbackNamespace).Requires(Permission.Write);
        ns.MapGet("/{key}/history", KeyHistory).Requires(Permission.Read);
        ns.MapGet("/{key}/rollback", ConfirmKeyRollback).Requires(Permission.Write);
        ns.MapPost("/{key}/rollback", RollbackKey).Requires(Permission.Write);
    }

    public static string KeyHistoryPath(string ns, string key, string scope) =>
        $"/ns/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(key)}/history?scope={Uri.EscapeDataString(scope)}";

    public static string NamespaceHistoryPath(string ns) => $"/ns/{Uri.EscapeDataString(ns)}/history";

    private static async Task<IResult> KeyHistory(string ns, string key, HttpContext http, SettingsEngine engine)
    {
        var query = http.Request.Query;
        if (CheckNames(ns, key) is { } badName) return badName;
        if (ScopeOf(query["scope"].ToString(), out var scope) is { } badScope) return badScope;
        if (UiQuery.Number(query, "before", out var before) is { } badBefore) return badBefore;
        if (UiQuery.Number(query, "from", out var from) is { } badFrom) return badFrom;
        if (UiQuery.Number(query, "to", out var to) is { } badTo) return badTo;
        if (UiQuery.Number(query, "restored", out var restored) is { } badRestored) return badRestored;
        if (UiQuery.Number(query, "revision", out var revision) is { } badRevision) return badRevision;

        var ct = http.RequestAborted;
        // One more than a page: whether an older page exists.
        var read = await engine.HistoryAsync(new HistoryQuery(ns, key, scope, before, VersionsPerPage + 1), ct).ConfigureAwait(false);
        var records = read.Count > VersionsPerPage ? read.Take(VersionsPerPage).ToList() : read;
        var state = engine.Current.Find(ns, key);
        if (records.Count == 0 && state is null && engine.Registry.Find(ns, key) is null)
            return Problems.NotFound($"'{ns}/{key}' is neither defined nor stored.");
        var sensitive = engine.Registry.IsSensitive(ns, key);
        var versions = records.Select(r => Version(r, sensitive)).ToList();

        ValueDiff? diff = null;
        if (from is { } f && to is { } t)
        {
            // Either version may be on another page than this one.
            var all = versions.Any(v => v.Version == f) && versions.Any(v => v.Version == t)
                ? records
                : await engine.HistoryAsync(new HistoryQuery(ns, key, scope, Limit: int.MaxValue), ct).ConfigureAwait(false);
            var older = all.FirstOrDefault(r => r.Version == f);
            var newer = all.FirstOrDefault(r => r.Version == t);
            if (older is null || newer is null)
                return Problems.BadRequest(older is null ? "from" : "to", "range", $"'{ns}/{key}' at scope {scope} has no version {(older is null ? f : t)}.");
            diff = ValueText.Diff(older.NewValue, newer.NewValue, sensitive || older.Unreadable is not null || newer.Unreadable is not null);
        }

        var scopes = (state?.Values.Select(v => v.Scope) ?? []).Append(Scope.Global).Append(scope)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(s => s == Scope.Global ? 0 : 1).ThenBy(s => s, StringComparer.Ordinal).ToList();
        var current = state?.At(scope)?.Version ?? 0;
        string? notice = restored is { } v0
            ? revision is { } r0 ? $"Rolled back to version {UiFormat.Number(v0)} as revision {UiFormat.Number(r0)}."
                : $"The key already had the value of version {UiFormat.Number(v0)}: nothing changed."
            : null;
        var model = new KeyHistory(ns, key, scope, scopes, sensitive, AccessControl.Principal(http).Can(Permission.Write, ns), current, versions,
            read.Count > VersionsPerPage ? records[^1].Revision : null, before is null,
            from ?? (versions.Count > 1 ? versions[1].Version : null), to ?? (versions.Count > 0 ? versions[0].Version : null), diff, notice);
        return Page.Render<KeyHistoryPage, KeyHistory>(model);
    }

    private static async Task<IResult> ConfirmKeyRollback(string ns, string key, HttpContext http, SettingsEngine engine)
    {
        var query = http.Request.Query;
        if (CheckNames(ns, key) is { } badName) return badName;
        if (ScopeOf(query["scope"].ToString(), out var scope) is { } badScope) return badScope;
        if (UiQuery.Number(query, "version", out var version) is { } badVersion) return badVersion;
        if (version is not { } v) return Problems.BadRequest("version", "required", "'version' must be the version to return to.");
        return await KeyConfirmationAsync(ns, key, scope, v, engine, null, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<IResult> RollbackKey(string ns, string key, HttpContext http, SettingsEngine engine, KeyRollbackCommand rollback,
        [FromForm] string? scope, [FromForm] long version, [FromForm] long expected, [FromForm] string? comment)
    {
        if (CheckNames(ns, key) is { } badName) return badName;
        if (ScopeOf(scope, out var normalized) is { } badScope) return badScope;
        var current = engine.Current.Find(ns, key)?.At(normalized)?.Version ?? 0;
        var conflict = current == expected ? null : Changed(current);
        if (conflict is null)
        {
            try
            {
                var result = await rollback.RunAsync(AccessControl.Caller(http), ns, key, normalized, version, Comment(comment), http.RequestAborted)
                    .ConfigureAwait(false);
                var done = $"&restored={UiFormat.Number(version)}" + (result.Applied.Count > 0 ? $"&revision={UiFormat.Number(result.Revision)}" : "");
                return SeeOther(http, KeyHistoryPath(ns, key, normalized) + done);
            }
            catch (VersionConflictException e)
            {
                conflict = Changed(e.CurrentVersion);
            }
        }
        return await KeyConfirmationAsync(ns, key, normalized, version, engine, conflict, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<IResult> KeyConfirmationAsync(string ns, string key, string scope, long version, SettingsEngine engine, string? conflict,
        CancellationToken ct)
    {
        // The whole chain, as the rollback command reads it: the version asked for may be far back.
        var records = await engine.HistoryAsync(new HistoryQuery(ns, key, scope, Limit: int.MaxValue), ct).ConfigureAwait(false);
        var target = records.FirstOrDefault(r => r.Version == version)
            ?? throw new NotFoundException($"'{ns}/{key}' at scope {scope} has no version {version}.");
        var current = records[0];
        var masked = engine.Registry.IsSensitive(ns, key) || target.Unreadable is not null || current.Unreadable is not null;
        var model = new KeyRollbackConfirmation(ns, key, scope, version, current.Version, ValueText.Diff(current.NewValue, target.NewValue, masked), conflict);
        return Page.Render<KeyRollbackPage, KeyRollbackConfirmation>(model, conflict is null ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> NamespaceHistory(string ns, HttpContext http, SettingsEngine engine)
    {
        var query = http.Request.Query;
        if (Names.Check(ns, "Namespace") is { } nameError) return Problems.BadRequest("namespace", "name", nameError);
        if (UiQuery.Number(query, "before", out var before) is { } badBefore) return badBefore;
        if (UiQuery.Number(query, "rolledBack", out var rolledBack) is { } badRolledBack) return badRolledBack;
        if (UiQuery.Number(query, "revision", out var revision) is { } badRevision) return badRevision;

        var records = await engine.HistoryAsync(new HistoryQuery(ns, BeforeRevision: before, Limit: ChangesPerPage), http.RequestAborted).ConfigureAwait(false);
        var snapshot = engine.Current;
        if (records.Count == 0 && before is null && !engine.NamespaceExists(snapshot, ns))
            return Problems.NotFound($"Namespace '{ns}' is neither defined nor stored.");
        var revisions = new List<NamespaceRevision>();
        foreach (var group in records.GroupBy(r => r.Revision))
        {
            var first = group.First();
            revisions.Add(new NamespaceRevision(first.Revision, first.At, first.Actor, first.Comment,
                [.. group.Select(r => new NamespaceKeyChange(r.Key, r.Scope, r.NewValue is null ? "reset" : r.OldValue is null ? "create" : "update"))]));
        }
        // A full read may have cut its oldest revision short: that one starts the next page, unless it is the only one
        // (a revision that changed more keys than a page holds), which is shown as far as it was read.
        var full = records.Count == ChangesPerPage;
        if (full && revisions.Count > 1) revisions.RemoveAt(revisions.Count - 1);
        else if (full) revisions[0] = revisions[0] with { Truncated = true };
        long? older = null;
        if (revisions.Count > RevisionsPerPage)
        {
            revisions.RemoveRange(RevisionsPerPage, revisions.Count - RevisionsPerPage);
            older = revisions[^1].Revision;
        }
        else if (full) older = revisions[^1].Revision;

        string? notice = rolledBack is { } to
            ? revision is { } r0 ? $"Returned to revision {UiFormat.Number(to)} as revision {UiFormat.Number(r0)}."
                : $"The namespace was already as it was at revision {UiFormat.Number(to)}: nothing changed."
            : null;
        var model = new NamespaceHistory(ns, snapshot.Namespace(ns)?.Revision ?? 0, AccessControl.Principal(http).Can(Permission.Write, ns),
            revisions, older, before is null, notice);
        return Page.Render<NamespaceHistoryPage, NamespaceHistory>(model);
    }

    private static async Task<IResult> ConfirmNamespaceRollback(string ns, HttpContext http, SettingsEngine engine, DiffQuery diff)
    {
        if (UiQuery.Number(http.Request.Query, "revision", out var revision) is { } badRevision) return badRevision;
        if (revision is not { } r) return Problems.BadRequest("revision", "required", "'revision' must be the revision to return to.");
        return await NamespaceConfirmationAsync(ns, r, http, engine, diff, null).ConfigureAwait(false);
    }

    private static async Task<IResult> RollbackNamespace(string ns, HttpContext http, SettingsEngine engine, NamespaceRollbackCommand rollback, DiffQuery diff,
        [FromForm] long revision, [FromForm] long expected, [FromForm] string? comment)
    {
        var current = engine.Current.Namespace(ns)?.Revision ?? 0;
        var conflict = current == expected ? null : $"The namespace changed since this page was shown (it is at revision {UiFormat.Number(current)} now). Check the changes again.";
        if (conflict is null)
        {
            try
            {
                var result = await rollback.RunAsync(AccessControl.Caller(http), ns, revision, Comment(comment), http.RequestAborted).ConfigureAwait(false);
                var done = $"?rolledBack={UiFormat.Number(revision)}" + (result.Applied.Count > 0 ? $"&revision={UiFormat.Number(result.Revision)}" : "");
                return SeeOther(http, NamespaceHistoryPath(ns) + done);
            }
            catch (VersionConflictException)
            {
                conflict = "A key of the namespace changed while it was being rolled back; nothing was changed. Check the changes again.";
            }
        }
        return await NamespaceConfirmationAsync(ns, revision, http, engine, diff, conflict).ConfigureAwait(false);
    }

    private static async Task<IResult> NamespaceConfirmationAsync(string ns, long revision, HttpContext http, SettingsEngine engine, DiffQuery diff, string? conflict)
    {
        // Read first: a commit between this and the diff is then caught when the form comes back.
        var current = engine.Current.Namespace(ns)?.Revision ?? 0;
        // From now back to then: what the rollback would write.
        var changes = await diff.RunAsync(AccessControl.Caller(http), ns, engine.Current.Revision, revision, http.RequestAborted).ConfigureAwait(false);
        var model = new NamespaceRollbackConfirmation(ns, revision, current,
            [.. changes.Changes.Select(c => new NamespaceRollbackChange(c.Key, c.Scope, ValueText.Diff(c.Old, c.New, c.Sensitive)))], conflict);
        return Page.Render<NamespaceRollbackPage, NamespaceRollbackConfirmation>(model, conflict is null ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    private static KeyVersion Version(ChangeRecord r, bool sensitive)
    {
        // An unreadable record still holds envelopes: never shown, whatever today's definitions say (as the API's history).
        var masked = sensitive || r.Unreadable is not null;
        return new KeyVersion(r.Version, r.Revision, r.At, r.Actor, r.Comment, r.NewValue is null ? "reset" : r.OldValue is null ? "create" : "update",
            ValueText.Show(r.NewValue, masked), masked);
    }

    private static IResult? CheckNames(string ns, string key) =>
        (Names.Check(ns, "Namespace") ?? Names.Check(key, "Key")) is { } error ? Problems.BadRequest("name", "name", error) : null;

    private static IResult? ScopeOf(string? raw, out string scope)
    {
        scope = Scope.TryNormalize(raw, out var error) ?? "";
        return error is null ? null : Problems.BadRequest("scope", "scope", error);
    }

    private static string Changed(long current) =>
        $"The key changed since this page was shown (it is at version {UiFormat.Number(current)} now). Check the values again.";

    private static string? Comment(string? comment) => string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();

    private static IResult SeeOther(HttpContext http, string path)
    {
        // 303: the browser follows with a GET, and a reload does not post the rollback again.
        http.Response.Headers.Location = http.Request.PathBase + path;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
