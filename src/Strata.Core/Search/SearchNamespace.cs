using Strata.Engine;
using Strata.Naming;

namespace Strata.Search;

/// <summary>The search index's entries of one namespace, in no order, with a position per key.</summary>
internal sealed class SearchNamespace(string name)
{
    private readonly List<SearchEntry> _entries = [];
    private readonly Dictionary<string, int> _positions = new(Names.Comparer);

    public string Name { get; } = name;

    /// <summary>The namespace's key index the entries reflect; null before any stored key was read.</summary>
    public KeyIndex? Synced { get; set; }

    public ReadOnlySpan<SearchEntry> Entries => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_entries);

    public SearchEntry? Find(string key) => _positions.TryGetValue(key, out var at) ? _entries[at] : null;

    /// <summary>Adds the entry, or replaces the one of its key.</summary>
    public void Set(SearchEntry entry)
    {
        if (_positions.TryGetValue(entry.Key, out var at)) _entries[at] = entry;
        else
        {
            _positions[entry.Key] = _entries.Count;
            _entries.Add(entry);
        }
    }

    public void Remove(string key)
    {
        if (!_positions.Remove(key, out var at)) return;
        // The last entry takes the removed one's place.
        var last = _entries[^1];
        _entries.RemoveAt(_entries.Count - 1);
        if (at == _entries.Count) return;
        _entries[at] = last;
        _positions[last.Key] = at;
    }
}
