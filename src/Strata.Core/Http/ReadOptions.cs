using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Engine;
using Strata.Naming;

namespace Strata.Http;

/// <summary>The query of a read: <c>scope</c> (a chain), <c>explain</c>, and <c>asOf</c> (a revision) or <c>at</c> (a time).</summary>
internal sealed record ReadOptions(Snapshot Snapshot, ScopeChain Chain, bool Explain, bool Historical, bool Reveal)
{
    public static async Task<(ReadOptions? Options, IResult? Problem)> ParseAsync(HttpRequest request, SettingsEngine engine, string? ns)
    {
        var query = request.Query;
        var chain = ScopeChain.TryParse(query["scope"], out var scopeError);
        if (chain is null) return (null, Problems.BadRequest("scope", "scope", scopeError!));

        var explain = false;
        if (query.TryGetValue("explain", out var explainText) && !bool.TryParse(explainText, out explain))
            return (null, Problems.BadRequest("explain", "type", "'explain' must be true or false."));

        var reveal = false;
        if (query.TryGetValue("reveal", out var revealText) && !bool.TryParse(revealText, out reveal))
            return (null, Problems.BadRequest("reveal", "type", "'reveal' must be true or false."));

        var snapshot = engine.Current;
        long? revision = null;
        if (query.TryGetValue("asOf", out var asOf))
        {
            if (!long.TryParse(asOf, NumberStyles.None, CultureInfo.InvariantCulture, out var r))
                return (null, Problems.BadRequest("asOf", "type", "'asOf' must be a revision number (0 or more)."));
            revision = r;
        }
        if (query.TryGetValue("at", out var at))
        {
            if (revision is not null) return (null, Problems.BadRequest("at", "conflict", "Give 'asOf' or 'at', not both."));
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                return (null, Problems.BadRequest("at", "type", "'at' must be a time such as 2026-11-22T10:00:00Z."));
            revision = await engine.Log.RevisionAtAsync(time, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        if (revision > snapshot.Revision && query.ContainsKey("asOf"))
            return (null, Problems.BadRequest("asOf", "range", $"Revision {revision} is in the future; the current one is {snapshot.Revision}."));
        if (revision is { } past && past < snapshot.Revision)
            snapshot = await engine.SnapshotAtAsync(ns, past, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return (new ReadOptions(snapshot, chain, explain, revision is not null, reveal), null);
    }
}
