using Strata.Naming;
using Strata.Storage;

namespace Strata.Engine;

/// <summary>
/// Every stored override as of one revision. Immutable and swapped atomically on commit, so readers never lock and
/// never see half of a multi-key patch.
/// </summary>
internal sealed class Snapshot
{
    private readonly Dictionary<string, KeyIndex> _namespaces;

    private Snapshot(long revision, Dictionary<string, KeyIndex> namespaces)
    {
        Revision = revision;
        _namespaces = namespaces;
    }

    public long Revision { get; }

    public IEnumerable<string> NamespaceNames => _namespaces.Keys;

    public KeyIndex? Namespace(string ns) => _namespaces.GetValueOrDefault(ns);

    public KeyState? Find(string ns, string key) =>
        _namespaces.TryGetValue(ns, out var index) ? index.Find(key) : null;

    public static Snapshot From(IEnumerable<StoredEntry> entries, long revision)
    {
        var namespaces = new Dictionary<string, KeyIndex>(Names.Comparer);
        foreach (var byNamespace in entries.GroupBy(e => e.Namespace, Names.Comparer))
        {
            var states = byNamespace
                .GroupBy(e => e.Key, Names.Comparer)
                .Select(byKey => new KeyState(byKey.First().Namespace, byKey.First().Key, byKey.Select(StoredValue.From)));
            namespaces[byNamespace.First().Namespace] = KeyIndex.From(states);
        }
        return new Snapshot(revision, namespaces);
    }

    public Snapshot With(IEnumerable<KeyState> changed, long revision)
    {
        var namespaces = new Dictionary<string, KeyIndex>(_namespaces, Names.Comparer);
        foreach (var group in changed.GroupBy(s => s.Namespace, Names.Comparer))
        {
            var index = namespaces.GetValueOrDefault(group.Key) ?? KeyIndex.Empty;
            namespaces[group.Key] = index.With(group);
        }
        return new Snapshot(revision, namespaces);
    }
}
