namespace Strata.Naming;

/// <summary>
/// Where an override applies: <c>global</c>, or <c>kind:id</c> such as <c>user:alice</c> or <c>project:42</c>.
/// </summary>
internal static class Scope
{
    public const string Global = "global";

    /// <summary>Parses and normalises a scope (kind lower-cased). Null and a message when it is not valid.</summary>
    public static string? TryNormalize(string? raw, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(raw) || raw.Equals(Global, StringComparison.OrdinalIgnoreCase))
            return Global;
        var colon = raw.IndexOf(':');
        if (colon <= 0 || colon == raw.Length - 1)
        {
            error = $"Scope '{Names.Truncate(raw)}' is not valid: use 'global' or 'kind:id', such as 'user:alice'.";
            return null;
        }
        var kind = raw[..colon];
        var id = raw[(colon + 1)..];
        if (!Names.IsValid(kind) || !char.IsAsciiLetter(kind[0]) || kind.Equals(Global, StringComparison.OrdinalIgnoreCase))
        {
            error = $"Scope kind '{Names.Truncate(kind)}' is not valid: it must be a name starting with a letter, other than 'global'.";
            return null;
        }
        if (!IsValidId(id))
        {
            error = $"Scope id '{Names.Truncate(id)}' is not valid: use letters, digits and '_-.@', at most {Names.MaxLength} characters.";
            return null;
        }
        return string.Concat(kind.ToLowerInvariant(), ":", id);
    }

    public static string Kind(string scope)
    {
        var colon = scope.IndexOf(':');
        return colon < 0 ? Global : scope[..colon];
    }

    private static bool IsValidId(string id)
    {
        if (id.Length is 0 or > Names.MaxLength) return false;
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@')) return false;
        return true;
    }
}
