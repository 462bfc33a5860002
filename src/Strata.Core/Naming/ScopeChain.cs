namespace Strata.Naming;

/// <summary>The scopes a read consults, most specific first; <c>global</c> is always last.</summary>
internal sealed class ScopeChain
{
    public static readonly ScopeChain GlobalOnly = new([Scope.Global]);

    private ScopeChain(string[] scopes) => Scopes = scopes;

    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The scope a write through this chain would target: the most specific one.</summary>
    public string Target => Scopes[0];

    public bool IsGlobalOnly => Scopes.Count == 1;

    /// <summary>Parses a comma-separated list such as <c>user:alice,project:42</c>.</summary>
    public static ScopeChain? TryParse(string? raw, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(raw)) return GlobalOnly;
        var list = new List<string>();
        foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var scope = Scope.TryNormalize(part, out error);
            if (scope is null) return null;
            if (scope != Scope.Global && !list.Contains(scope)) list.Add(scope);
        }
        if (list.Count > 16)
        {
            error = "A scope chain may name at most 16 scopes.";
            return null;
        }
        list.Add(Scope.Global);
        return list.Count == 1 ? GlobalOnly : new ScopeChain([.. list]);
    }

    public override string ToString() => string.Join(',', Scopes);
}
