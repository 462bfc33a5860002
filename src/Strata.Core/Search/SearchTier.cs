namespace Strata.Search;

/// <summary>How well one word of a query matches a setting, best first: the order results are ranked in.</summary>
internal enum SearchTier
{
    ExactKey = 0,
    KeyPrefix = 1,
    KeyContains = 2,
    // The namespace, group or description.
    Context = 3,
    Value = 4,
}
