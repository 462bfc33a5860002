namespace Strata.Client.LastKnownGood;

/// <summary>The JSON body of a last-known-good file (docs/client.md, "Last-known-good file").</summary>
internal sealed record LastKnownGoodDocument(
    long Revision,
    DateTimeOffset SavedAt,
    string SigningKeyId,
    IReadOnlyList<string> Namespaces,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<LastKnownGoodEntry> Entries);
