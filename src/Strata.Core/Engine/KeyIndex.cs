using System.Collections.Immutable;
using Strata.Naming;

namespace Strata.Engine;

/// <summary>
/// The keys of one namespace: a frozen base dictionary plus a small immutable overlay of recent changes. A commit
/// adds to the overlay in O(log n); when the overlay outgrows an eighth of the base, the two are merged on the
/// thread pool, not on the commit loop: copying a namespace of 200,000 keys took 10-40 ms, and every write queued
/// behind it. Until the merge is done commits keep adding to the overlay and note what they changed since it
/// started; the first commit after it finishes takes the merged base with just those changes as its overlay.
/// Reads stay a hash lookup (plus an overlay probe when it is not empty). Because every change since the base is
/// in the overlay, a reader that keeps something derived from a namespace (the search index) learns what changed
/// from <see cref="ChangedSince"/> without reading every key.
/// </summary>
internal sealed class KeyIndex
{
    private static readonly ImmutableDictionary<string, KeyState> NoChanges = ImmutableDictionary.Create<string, KeyState>(Names.Comparer);

    public static readonly KeyIndex Empty = new(new Dictionary<string, KeyState>(Names.Comparer), NoChanges, 0, lineage: null, baseRevision: 0);

    private readonly Dictionary<string, KeyState> _base;
    private readonly ImmutableDictionary<string, KeyState> _overlay;
    private readonly Task<Dictionary<string, KeyState>>? _merging;
    private readonly ImmutableDictionary<string, KeyState> _sinceMerge;
    // Shared by an index and every index made from it by With: one line of descent, broken by a load or reload.
    private readonly object? _lineage;
    // Every change after this revision is in the overlay: the base holds nothing newer.
    private readonly long _baseRevision;
    // The revision the running merge's result is complete through.
    private readonly long _mergedThrough;

    private KeyIndex(Dictionary<string, KeyState> @base, ImmutableDictionary<string, KeyState> overlay, long revision, object? lineage, long baseRevision,
        Task<Dictionary<string, KeyState>>? merging = null, ImmutableDictionary<string, KeyState>? sinceMerge = null, long mergedThrough = 0)
    {
        Revision = revision;
        _base = @base;
        _overlay = overlay;
        _lineage = lineage;
        _baseRevision = baseRevision;
        _merging = merging;
        _sinceMerge = sinceMerge ?? NoChanges;
        _mergedThrough = mergedThrough;
    }

    /// <summary>The last revision that changed a key of this namespace: the index a long-poll waits on.</summary>
    public long Revision { get; }

    public int Count => _base.Count + _overlay.Keys.Count(k => !_base.ContainsKey(k));

    public static KeyIndex From(IEnumerable<KeyState> states)
    {
        var all = states.ToDictionary(s => s.Key, Names.Comparer);
        var revision = LastRevision(all.Values);
        return new(all, NoChanges, revision, new object(), revision);
    }

    /// <summary>The merge running in the background, if any (for tests).</summary>
    internal Task? PendingMerge => _merging;

    public KeyState? Find(string key)
    {
        if (!_overlay.IsEmpty && _overlay.TryGetValue(key, out var recent)) return recent;
        return _base.GetValueOrDefault(key);
    }

    public IEnumerable<KeyState> All =>
        _overlay.IsEmpty ? _base.Values : _base.Values.Where(s => !_overlay.ContainsKey(s.Key)).Concat(_overlay.Values);

    /// <summary>
    /// The key states changed since <paramref name="earlier"/> was current (a superset: every key in the overlay), for
    /// a reader keeping something derived up to date without reading every key. Null when this index is not
    /// descended from <paramref name="earlier"/> through the overlay alone (a merge since, or a reload): read
    /// <see cref="All"/> then.
    /// </summary>
    public IEnumerable<KeyState>? ChangedSince(KeyIndex earlier) =>
        _lineage is not null && ReferenceEquals(_lineage, earlier._lineage) && earlier.Revision >= _baseRevision ? _overlay.Values : null;

    /// <summary>The index with <paramref name="changed"/> applied. Called by the commit loop only.</summary>
    public KeyIndex With(IEnumerable<KeyState> changed)
    {
        var updates = changed.Select(s => KeyValuePair.Create(s.Key, s)).ToList();
        var revision = Math.Max(Revision, LastRevision(updates.Select(u => u.Value)));
        // The first change of a namespace starts its line (Empty is every new namespace's start).
        var lineage = _lineage ?? new object();
        if (_merging is { IsCompletedSuccessfully: true })
            return new KeyIndex(_merging.Result, _sinceMerge.SetItems(updates), revision, lineage, _mergedThrough);
        var overlay = _overlay.SetItems(updates);
        if (_merging is { IsCompleted: false })
            return new KeyIndex(_base, overlay, revision, lineage, _baseRevision, _merging, _sinceMerge.SetItems(updates), _mergedThrough);
        if (overlay.Count <= Math.Max(32, _base.Count / 8))
            return new KeyIndex(_base, overlay, revision, lineage, _baseRevision);
        // Both inputs are immutable, so the merge can read them while commits go on.
        var @base = _base;
        return new KeyIndex(_base, overlay, revision, lineage, _baseRevision, Task.Run(() => Merge(@base, overlay)), mergedThrough: revision);
    }

    private static long LastRevision(IEnumerable<KeyState> states)
    {
        long last = 0;
        foreach (var state in states)
            foreach (var value in state.Values)
                last = Math.Max(last, value.Revision);
        return last;
    }

    private static Dictionary<string, KeyState> Merge(Dictionary<string, KeyState> @base, ImmutableDictionary<string, KeyState> overlay)
    {
        var merged = new Dictionary<string, KeyState>(@base, Names.Comparer);
        foreach (var (key, state) in overlay) merged[key] = state;
        return merged;
    }
}
