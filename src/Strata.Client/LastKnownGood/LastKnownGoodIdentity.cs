namespace Strata.Client.LastKnownGood;

/// <summary>
/// What a last-known-good file was loaded for: the namespaces, the scope chain (most specific first) and the id of
/// the server signing key its values were verified with. A file whose identity differs is foreign and never loaded.
/// </summary>
internal sealed record LastKnownGoodIdentity(IReadOnlyList<string> Namespaces, IReadOnlyList<string> Scopes, string SigningKeyId)
{
    private static readonly StringComparer Names = StringComparer.OrdinalIgnoreCase;

    /// <summary>Namespaces compare as a set and scopes as a sequence, both ignoring case as Strata's names do.</summary>
    public string? Difference(LastKnownGoodIdentity expected)
    {
        if (!Namespaces.ToHashSet(Names).SetEquals(expected.Namespaces))
            return $"it was saved for namespaces [{string.Join(", ", Namespaces)}], not [{string.Join(", ", expected.Namespaces)}]";
        if (!Scopes.SequenceEqual(expected.Scopes, Names))
            return $"it was saved for the scope chain [{string.Join(", ", Scopes)}], not [{string.Join(", ", expected.Scopes)}]";
        if (!Names.Equals(SigningKeyId, expected.SigningKeyId))
            return $"it was saved from a server whose signing key is {SigningKeyId}, not the pinned {expected.SigningKeyId}";
        return null;
    }
}
