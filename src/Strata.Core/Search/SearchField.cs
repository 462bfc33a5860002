namespace Strata.Search;

/// <summary>The parts of a setting a search matches against.</summary>
[Flags]
internal enum SearchField
{
    None = 0,
    Key = 1,
    Namespace = 2,
    Group = 4,
    Description = 8,
    Value = 16,
}
