using Strata.Naming;
using Strata.Resolution;

namespace Strata.Engine;

/// <summary>All overrides of one namespace/key, by scope. Immutable: a commit replaces the whole object.</summary>
internal sealed class KeyState
{
    private readonly Dictionary<string, StoredValue> _byScope;
    private ResolvedSetting? _globalResolution;

    public KeyState(string ns, string key, Dictionary<string, StoredValue> byScope)
    {
        Namespace = ns;
        Key = key;
        _byScope = byScope;
        HasLiveValue = byScope.Values.Any(v => v.IsLive);
    }

    public string Namespace { get; }
    public string Key { get; }
    public bool HasLiveValue { get; }
    public IEnumerable<StoredValue> Values => _byScope.Values;

    public StoredValue? At(string scope) => _byScope.GetValueOrDefault(scope);

    public KeyState With(StoredValue value)
    {
        var copy = new Dictionary<string, StoredValue>(_byScope, Names.Comparer) { [value.Scope] = value };
        return new KeyState(Namespace, Key, copy);
    }

    /// <summary>The resolution for the global-only chain, computed once per key state: the hot read path.</summary>
    public ResolvedSetting? GlobalResolution(Resolver resolver) =>
        _globalResolution ??= resolver.Resolve(Namespace, Key, this, ScopeChain.GlobalOnly, explain: false);
}
