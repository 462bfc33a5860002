namespace Strata.Ui.Namespaces;

/// <summary>The namespaces a user may read, as the start page lists them.</summary>
internal sealed record NamespaceList(long Revision, IReadOnlyList<NamespaceSummary> Namespaces);

/// <summary>One namespace: its definitions and how many of its keys have a stored value.</summary>
internal sealed record NamespaceSummary(string Name, string? Description, int Defined, int Stored);
