namespace Strata.Ui.History;

/// <summary>
/// What returning a namespace to <see cref="Revision"/> would change. The form posts <see cref="CurrentRevision"/>
/// (the namespace's last revision when this was shown) back, so that a commit in between is shown, not undone unseen.
/// </summary>
internal sealed record NamespaceRollbackConfirmation(
    string Namespace, long Revision, long CurrentRevision, IReadOnlyList<NamespaceRollbackChange> Changes, string? Conflict);
