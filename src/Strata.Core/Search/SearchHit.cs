namespace Strata.Search;

/// <summary>A match while the scan runs: its entry and rank, in a struct, so a match allocates nothing.</summary>
internal readonly record struct SearchHit(SearchEntry Entry, int Score, SearchTier Best)
{
    /// <summary>Better first: lower score (the sum of each word's tier), then best tier, shorter key, then by name.</summary>
    public static int Compare(in SearchHit a, in SearchHit b)
    {
        var order = a.Score.CompareTo(b.Score);
        // As ints: an enum's CompareTo takes an object, and would box both on every comparison.
        if (order == 0) order = ((int)a.Best).CompareTo((int)b.Best);
        if (order == 0) order = a.Entry.Key.Length.CompareTo(b.Entry.Key.Length);
        if (order == 0) order = StringComparer.OrdinalIgnoreCase.Compare(a.Entry.Namespace, b.Entry.Namespace);
        if (order == 0) order = StringComparer.OrdinalIgnoreCase.Compare(a.Entry.Key, b.Entry.Key);
        return order;
    }
}
