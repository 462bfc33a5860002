namespace Strata.Ui.History;

/// <summary>One revision that touched a namespace: who, when, why, and the keys it changed there.</summary>
internal sealed record NamespaceRevision(long Revision, long At, string Actor, string? Comment, IReadOnlyList<NamespaceKeyChange> Changes);
