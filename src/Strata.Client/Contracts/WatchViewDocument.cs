namespace Strata.Client.Contracts;

/// <summary>The view a watch stream asked for, as its change events carry it.</summary>
/// <param name="Namespaces">The namespaces followed.</param>
/// <param name="Keys">The keys followed; null for every key.</param>
/// <param name="Scopes">The scope chain values are resolved under, most specific first, ending with <c>global</c>.</param>
public sealed record WatchViewDocument(IReadOnlyList<string> Namespaces, IReadOnlyList<string>? Keys, IReadOnlyList<string> Scopes);
