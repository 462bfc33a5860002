namespace Strata.Search;

/// <summary>
/// The best <c>limit</c> hits seen so far, kept sorted in one array sized once per query: a hit worse than the last
/// kept is only counted. Insertion shifts at most <c>limit</c> (≤ 200) entries, and few hits get that far.
/// </summary>
internal sealed class TopHits(int limit)
{
    private readonly SearchHit[] _kept = new SearchHit[limit];

    public int Count { get; private set; }

    /// <summary>Every hit offered, kept or not.</summary>
    public int Total { get; private set; }

    public ReadOnlySpan<SearchHit> Kept => _kept.AsSpan(0, Count);

    public void Offer(in SearchHit hit)
    {
        Total++;
        if (Count == _kept.Length && SearchHit.Compare(hit, _kept[Count - 1]) >= 0) return;
        var at = Position(hit);
        var moved = Math.Min(Count, _kept.Length - 1) - at;
        if (moved > 0) Array.Copy(_kept, at, _kept, at + 1, moved);
        _kept[at] = hit;
        if (Count < _kept.Length) Count++;
    }

    private int Position(in SearchHit hit)
    {
        int low = 0, high = Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (SearchHit.Compare(_kept[mid], hit) <= 0) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
