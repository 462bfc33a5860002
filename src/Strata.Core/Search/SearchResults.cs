namespace Strata.Search;

/// <summary>The best matches of a query, best first, as of one revision; <see cref="Total"/> counts every match.</summary>
internal sealed record SearchResults(string Query, long Revision, int Total, int Limit, IReadOnlyList<SearchResult> Results);
