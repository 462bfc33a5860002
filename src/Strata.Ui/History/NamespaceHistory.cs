namespace Strata.Ui.History;

/// <summary>
/// The revisions that touched a namespace, newest first, one page of them. <see cref="CurrentRevision"/> is the last
/// one that did (0: none); <see cref="OlderBefore"/> the cursor of the next page, when there is one;
/// <see cref="FirstPage"/> whether this page starts at the newest.
/// </summary>
internal sealed record NamespaceHistory(
    string Namespace, long CurrentRevision, bool CanWrite, IReadOnlyList<NamespaceRevision> Revisions, long? OlderBefore, bool FirstPage, string? Notice);
