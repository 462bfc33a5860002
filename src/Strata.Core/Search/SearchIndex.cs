using Strata.Engine;
using Strata.Naming;

namespace Strata.Search;

/// <summary>
/// Every setting as a <see cref="SearchEntry"/>, grouped by namespace, kept in step with the engine's snapshot.
/// </summary>
/// <remarks>
/// A plain scan of the snapshot and registry took ~100 ms at 100,000 settings: every setting is a key lookup and
/// five objects scattered over the heap. The index holds one entry and one folded string per setting, in a list
/// per namespace, so a scan is one ordinal search per word and entry. It is brought up to date by the first search
/// after a commit, with only the keys the commit changed: a namespace's <see cref="KeyIndex.ChangedSince"/> names
/// them (after a merge of its overlay or a reload, the namespace is read whole once). Searches read it in parallel;
/// an update waits for them and holds them back while it runs.
/// </remarks>
internal sealed class SearchIndex(SettingsEngine engine) : IDisposable
{
    private readonly Lock _updating = new();
    private readonly ReaderWriterLockSlim _access = new();
    private Dictionary<string, SearchNamespace>? _namespaces;
    private Snapshot? _synced;

    /// <summary>
    /// Offers every entry of the namespaces <paramref name="mayRead"/> allows that matches all of <paramref name="words"/>
    /// (upper case) to <paramref name="top"/>, as of the current snapshot. Returns the snapshot's revision.
    /// </summary>
    public long Scan(string[] words, Func<string, bool> mayRead, TopHits top)
    {
        Update();
        _access.EnterReadLock();
        try
        {
            foreach (var ns in _namespaces!.Values)
            {
                if (!mayRead(ns.Name)) continue;
                foreach (var entry in ns.Entries) Consider(entry, words, top);
            }
            return _synced!.Revision;
        }
        finally
        {
            _access.ExitReadLock();
        }
    }

    public void Dispose() => _access.Dispose();

    private static void Consider(SearchEntry entry, string[] words, TopHits top)
    {
        var score = 0;
        var best = SearchTier.Value;
        foreach (var word in words)
        {
            if (entry.Tier(word) is not { } tier) return;
            score += (int)tier;
            if (tier < best) best = tier;
        }
        top.Offer(new SearchHit(entry, score, best));
    }

    private void Update()
    {
        if (ReferenceEquals(Volatile.Read(ref _synced), engine.Current)) return;
        lock (_updating)
        {
            // Read inside the lock: an update never goes back to an older snapshot than the one before it.
            var snapshot = engine.Current;
            if (ReferenceEquals(_synced, snapshot)) return;
            _access.EnterWriteLock();
            try
            {
                Apply(snapshot);
                Volatile.Write(ref _synced, snapshot);
            }
            finally
            {
                _access.ExitWriteLock();
            }
        }
    }

    private void Apply(Snapshot snapshot)
    {
        _namespaces ??= Defined();
        foreach (var name in snapshot.NamespaceNames)
        {
            var keys = snapshot.Namespace(name)!;
            if (!_namespaces.TryGetValue(name, out var target)) _namespaces[name] = target = new SearchNamespace(name);
            if (ReferenceEquals(target.Synced, keys)) continue;
            if (target.Synced is { } earlier && keys.ChangedSince(earlier) is { } changed)
                foreach (var state in changed) Apply(target, state);
            else
                Reread(target, keys);
            target.Synced = keys;
        }
        // A reload can leave a namespace with no stored keys at all.
        foreach (var target in _namespaces.Values)
        {
            if (target.Synced is null || snapshot.Namespace(target.Name) is not null) continue;
            Reread(target, KeyIndex.Empty);
            target.Synced = null;
        }
    }

    /// <summary>The registry's settings, with no stored value yet: the registry never changes, so this is done once.</summary>
    private Dictionary<string, SearchNamespace> Defined()
    {
        var namespaces = new Dictionary<string, SearchNamespace>(Names.Comparer);
        foreach (var defined in engine.Registry.Namespaces)
        {
            var target = namespaces[defined.Name] = new SearchNamespace(defined.Name);
            foreach (var setting in defined.Settings.Values)
                target.Set(new SearchEntry(defined.Name, setting.Key, setting, null, setting.StaticResolution));
        }
        return namespaces;
    }

    private void Apply(SearchNamespace target, KeyState state)
    {
        var entry = target.Find(state.Key);
        if (entry is not null && ReferenceEquals(entry.State, state)) return;
        var definition = entry?.Definition;
        if (definition is null && !state.HasLiveValue)
        {
            target.Remove(state.Key);
            return;
        }
        target.Set(new SearchEntry(target.Name, definition?.Key ?? state.Key, definition, state, state.GlobalResolution(engine.Resolver)));
    }

    /// <summary>Reads a namespace whole: entries of keys no longer stored go back to their definition or go.</summary>
    private void Reread(SearchNamespace target, KeyIndex keys)
    {
        var gone = new List<SearchEntry>();
        foreach (var entry in target.Entries)
            if (entry.State is not null && keys.Find(entry.Key) is null) gone.Add(entry);
        foreach (var entry in gone)
        {
            if (entry.Definition is { } definition) target.Set(new SearchEntry(target.Name, definition.Key, definition, null, definition.StaticResolution));
            else target.Remove(entry.Key);
        }
        foreach (var state in keys.All) Apply(target, state);
    }
}
