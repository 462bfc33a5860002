namespace Strata.Cluster;

/// <summary>
/// Capped exponential backoff with jitter, for reconnecting to something several instances share (the database, a
/// broker): the n-th wait is random between half and all of <c>min(max, initial·2ⁿ)</c>, so instances that lost it
/// together do not all come back in the same millisecond.
/// </summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }

    public void Reset() => _failures = 0;
}
