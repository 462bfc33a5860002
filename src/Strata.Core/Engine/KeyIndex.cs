using System.Collections.Immutable;
using Strata.Naming;

namespace Strata.Engine;

/// <summary>
/// The keys of one namespace: a frozen base dictionary plus a small immutable overlay of recent changes. A commit
/// adds to the overlay in O(log n); when the overlay outgrows an eighth of the base the two are merged. Reads stay
/// a hash lookup (plus an overlay probe when it is not empty) and a namespace of 100,000 keys is never copied
/// for a single write.
/// </summary>
internal sealed class KeyIndex
{
    public static readonly KeyIndex Empty = new(new Dictionary<string, KeyState>(Names.Comparer), ImmutableDictionary.Create<string, KeyState>(Names.Comparer));

    private readonly Dictionary<string, KeyState> _base;
    private readonly ImmutableDictionary<string, KeyState> _overlay;

    private KeyIndex(Dictionary<string, KeyState> @base, ImmutableDictionary<string, KeyState> overlay)
    {
        _base = @base;
        _overlay = overlay;
    }

    public int Count => _base.Count + _overlay.Keys.Count(k => !_base.ContainsKey(k));

    public static KeyIndex From(IEnumerable<KeyState> states) =>
        new(states.ToDictionary(s => s.Key, Names.Comparer), Empty._overlay);

    public KeyState? Find(string key)
    {
        if (!_overlay.IsEmpty && _overlay.TryGetValue(key, out var recent)) return recent;
        return _base.GetValueOrDefault(key);
    }

    public IEnumerable<KeyState> All =>
        _overlay.IsEmpty ? _base.Values : _base.Values.Where(s => !_overlay.ContainsKey(s.Key)).Concat(_overlay.Values);

    public KeyIndex With(IEnumerable<KeyState> changed)
    {
        var overlay = _overlay.SetItems(changed.Select(s => KeyValuePair.Create(s.Key, s)));
        if (overlay.Count <= Math.Max(32, _base.Count / 8))
            return new KeyIndex(_base, overlay);
        var merged = new Dictionary<string, KeyState>(_base, Names.Comparer);
        foreach (var (key, state) in overlay) merged[key] = state;
        return new KeyIndex(merged, Empty._overlay);
    }
}
