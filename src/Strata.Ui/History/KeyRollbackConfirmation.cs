namespace Strata.Ui.History;

/// <summary>
/// What rolling a key back to <see cref="Version"/> would do: its value now against that version's. The form posts
/// <see cref="CurrentVersion"/> back, so that a write in between is shown rather than overwritten.
/// </summary>
internal sealed record KeyRollbackConfirmation(
    string Namespace, string Key, string Scope, long Version, long CurrentVersion, ValueDiff Diff, string? Conflict);
