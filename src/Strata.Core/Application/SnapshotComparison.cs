using Strata.Engine;
using Strata.Registry;

namespace Strata.Application;

/// <summary>What differs between two snapshots of one namespace: what a diff shows and a namespace rollback undoes.</summary>
internal static class SnapshotComparison
{
    /// <summary>
    /// Overrides whose live value differs, ordered by key and scope. A sensitive value is compared in clear only when
    /// <paramref name="inClear"/>; otherwise a different write of it is a difference whatever the values, so that the
    /// comparison cannot tell a caller what a secret is.
    /// </summary>
    public static List<OverrideDifference> Compare(Snapshot from, Snapshot to, string ns, DefinitionRegistry registry, bool inClear)
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
            .Select(c => (c.Key, c.Scope, c.Old, c.New, Sensitive: registry.IsSensitive(ns, c.Key)))
            .Where(c => c.Old is null || c.New is null || (c.Sensitive && !inClear ? c.Old.Revision != c.New.Revision : c.Old.Json != c.New.Json))
            .Select(c => new OverrideDifference(c.Key, c.Scope, c.Old?.Json, c.New?.Json, c.Sensitive))
            .OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Scope, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
