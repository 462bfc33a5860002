namespace Strata.Ui.History;

/// <summary>
/// A key's versions at one scope, newest first (one page of them), with the diff the user asked for between two of
/// them. <see cref="CurrentVersion"/> is the version the key is at now (0: never written at this scope);
/// <see cref="OlderBefore"/> the cursor of the next (older) page, when there is one.
/// </summary>
internal sealed record KeyHistory(
    string Namespace, string Key, string Scope, IReadOnlyList<string> Scopes, bool Sensitive, bool CanWrite,
    long CurrentVersion, IReadOnlyList<KeyVersion> Versions, long? OlderBefore, bool FirstPage, long? From, long? To, ValueDiff? Diff, string? Notice);
