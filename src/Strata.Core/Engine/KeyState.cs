using Strata.Naming;
using Strata.Resolution;

namespace Strata.Engine;

/// <summary>
/// All overrides of one namespace/key, by scope. Immutable: a commit replaces the whole object. Most keys have one
/// to a few scopes, kept in a small array; a key with many (one per user, say) switches to a dictionary.
/// </summary>
internal sealed class KeyState
{
    private const int ArrayLimit = 8;

    private readonly StoredValue[] _small;
    private readonly Dictionary<string, StoredValue>? _large;
    private ResolvedSetting? _globalResolution;

    public KeyState(string ns, string key, IEnumerable<StoredValue> values)
    {
        Namespace = ns;
        Key = key;
        _small = values.ToArray();
        if (_small.Length > ArrayLimit)
        {
            _large = _small.ToDictionary(v => v.Scope, Names.Comparer);
            _small = [];
        }
        HasLiveValue = Values.Any(v => v.IsLive);
    }

    public string Namespace { get; }
    public string Key { get; }
    public bool HasLiveValue { get; }
    public IEnumerable<StoredValue> Values => _large?.Values ?? (IEnumerable<StoredValue>)_small;

    public StoredValue? At(string scope)
    {
        if (_large is not null) return _large.GetValueOrDefault(scope);
        foreach (var value in _small)
            if (Names.Comparer.Equals(value.Scope, scope)) return value;
        return null;
    }

    public KeyState With(StoredValue value) =>
        new(Namespace, Key, Values.Where(v => !Names.Comparer.Equals(v.Scope, value.Scope)).Append(value));

    /// <summary>The resolution for the global-only chain, computed once per key state: the hot read path.</summary>
    public ResolvedSetting? GlobalResolution(Resolver resolver) =>
        _globalResolution ??= resolver.Resolve(Namespace, Key, this, ScopeChain.GlobalOnly, explain: false);
}
