namespace Strata.Ui.History;

/// <summary>
/// One revision that touched a namespace: who, when, why, and the keys it changed there (only the first of them when
/// <see cref="Truncated"/>: it changed more than a page of history holds).
/// </summary>
internal sealed record NamespaceRevision(long Revision, long At, string Actor, string? Comment, IReadOnlyList<NamespaceKeyChange> Changes)
{
    public bool Truncated { get; init; }
}
