using Strata.Search;

namespace Strata.Ui.Search;

/// <summary>The search page: what was typed, and the results (null before anything is typed) or why it was refused.</summary>
internal sealed record SearchPageModel(string Query, SearchResults? Results, string? Error);
