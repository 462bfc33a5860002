using Strata.Access;
using Strata.Engine;
using Strata.Naming;
using Strata.Registry;
using Strata.Resolution;
using Strata.Storage;

namespace Strata.Ui.Settings;

/// <summary>Builds the namespace page from the engine's current snapshot for one scope chain.</summary>
internal static class NamespacePageBuilder
{
    private const string UndefinedGroup = "Undefined keys", DefaultGroup = "General";

    /// <summary>
    /// Every defined key and every stored one, resolved under <paramref name="chain"/>. With <paramref name="form"/>, the
    /// fields keep what the user posted and what the form was rendered from; <paramref name="adjust"/> adds errors,
    /// conflicts or a revealed value to a row.
    /// </summary>
    public static async Task<NamespacePageModel> BuildAsync(SettingsEngine engine, StrataPrincipal principal, string ns, ScopeChain chain,
        bool advanced, SubmittedForm? form = null, Func<SettingRow, SettingRow>? adjust = null, CancellationToken ct = default)
    {
        var snapshot = engine.Current;
        var defined = engine.Registry.FindNamespace(ns);
        var canWrite = principal.Can(Permission.Write, ns);
        var target = chain.Target;

        var keys = new List<(string Key, RegisteredSetting? Definition)>();
        foreach (var setting in defined?.Settings.Values ?? (IEnumerable<RegisteredSetting>)[]) keys.Add((setting.Key, setting));
        if (snapshot.Namespace(ns) is { } index)
            foreach (var state in index.All.Where(s => s.HasLiveValue && defined?.Settings.ContainsKey(s.Key) != true).OrderBy(s => s.Key, Names.Comparer))
                keys.Add((state.Key, null));

        var visible = new List<(string Key, RegisteredSetting? Definition, ResolvedSetting? Resolved)>();
        var advancedCount = 0;
        foreach (var (key, definition) in keys)
        {
            if (definition?.Definition.Level == SettingLevel.Advanced)
            {
                advancedCount++;
                if (!advanced) continue;
            }
            visible.Add((key, definition, engine.Get(snapshot, ns, key, chain)));
        }
        var lasts = await LastChangesAsync(engine, ns, [.. visible.Where(v => v.Resolved?.Stored is not null).Select(v => (v.Key, v.Resolved!.Stored!.Scope))], ct)
            .ConfigureAwait(false);

        var groups = new List<(string Name, List<SettingRow> Rows)>();
        foreach (var (key, definition, resolved) in visible)
        {
            var last = resolved?.Stored is { } stored ? lasts.GetValueOrDefault((key, stored.Scope)) : null;
            var row = Row(snapshot, ns, key, definition, resolved, last, chain, canWrite, form);
            if (adjust is not null) row = adjust(row);
            var name = definition is null ? UndefinedGroup : definition.Definition.Group ?? DefaultGroup;
            var group = groups.FirstOrDefault(g => g.Name == name);
            if (group.Rows is null) groups.Add(group = (name, []));
            group.Rows.Add(row);
        }

        return new NamespacePageModel(defined?.Name ?? ns, defined?.Description, snapshot.Revision, chain.ToString(), target, chain.Scopes,
            advanced, advancedCount, Suggestions(snapshot, ns, defined, principal), AllowedKinds(defined),
            [.. groups.Select(g => new SettingGroup(g.Name, g.Rows))], canWrite)
        {
            Comment = form?.Comment,
        };
    }

    /// <summary>The latest write of one override, from its history.</summary>
    public static async Task<LastChange?> LastChangeAsync(SettingsEngine engine, string ns, string key, string scope, CancellationToken ct)
    {
        var records = await engine.HistoryAsync(new HistoryQuery(ns, key, scope, Limit: 1), ct).ConfigureAwait(false);
        return records.Count == 0 ? null : new LastChange(records[0].At, records[0].Actor, records[0].Comment);
    }

    /// <summary>
    /// The latest write of each override: one read of the namespace's recent history finds most of them, and an
    /// override last written long ago is looked up on its own.
    /// </summary>
    private static async Task<Dictionary<(string, string), LastChange>> LastChangesAsync(SettingsEngine engine, string ns,
        List<(string Key, string Scope)> overrides, CancellationToken ct)
    {
        var found = new Dictionary<(string, string), LastChange>(NameTuples.Pair);
        if (overrides.Count == 0) return found;
        var recent = await engine.HistoryAsync(new HistoryQuery(ns, Limit: Math.Min(overrides.Count * 4, 10_000)), ct).ConfigureAwait(false);
        foreach (var record in recent) found.TryAdd((record.Key, record.Scope), new LastChange(record.At, record.Actor, record.Comment));
        foreach (var (key, scope) in overrides)
            if (!found.ContainsKey((key, scope)) && await LastChangeAsync(engine, ns, key, scope, ct).ConfigureAwait(false) is { } last)
                found[(key, scope)] = last;
        return found;
    }

    private static SettingRow Row(Snapshot snapshot, string ns, string key, RegisteredSetting? definition, ResolvedSetting? resolved,
        LastChange? last, ScopeChain chain, bool canWrite, SubmittedForm? form)
    {
        var atTarget = snapshot.Find(ns, key)?.At(chain.Target);
        // A secret's field starts empty: left empty, it keeps the stored value.
        var text = definition?.Sensitive == true ? "" : FormValues.Text(definition, resolved?.Value);
        string? notEditable = !canWrite ? "You may read this namespace but not change it."
            : definition is not null && !definition.AllowsScope(chain.Target)
                ? $"This setting cannot be set at scope {chain.Target}; it allows {string.Join(", ", definition.Definition.Scopes)}."
                : null;
        var row = new SettingRow(key, definition, resolved, text, text, atTarget?.Version ?? 0, atTarget is { IsLive: true }, last, notEditable);
        if (form is null) return row;
        return row with
        {
            Value = form.Values.GetValueOrDefault(key) ?? row.Value,
            Original = form.Originals.GetValueOrDefault(key) ?? row.Original,
            Version = form.Versions.TryGetValue(key, out var version) ? version : row.Version,
            Reset = form.Resets.Contains(key),
        };
    }

    /// <summary>Scopes to pick from: global, the scopes already stored in the namespace, and the user's own.</summary>
    private static List<string> Suggestions(Snapshot snapshot, string ns, RegisteredNamespace? defined, StrataPrincipal principal)
    {
        var kinds = AllowedKinds(defined);
        var scopes = new SortedSet<string>(Names.Comparer);
        foreach (var state in snapshot.Namespace(ns)?.All ?? [])
            foreach (var value in state.Values)
                if (value.IsLive && value.Scope != Scope.Global) scopes.Add(value.Scope);
        if (!principal.IsAnonymous && kinds.Contains("user", StringComparer.OrdinalIgnoreCase)
            && Scope.TryNormalize("user:" + principal.Name, out _) is { } own) scopes.Add(own);
        return [Scope.Global, .. scopes.Where(s => defined is null || kinds.Contains(Scope.Kind(s), StringComparer.OrdinalIgnoreCase))];
    }

    private static List<string> AllowedKinds(RegisteredNamespace? defined) =>
        [.. (defined?.Settings.Values.SelectMany(s => s.Definition.Scopes) ?? [Scope.Global]).Distinct(StringComparer.OrdinalIgnoreCase)];
}
