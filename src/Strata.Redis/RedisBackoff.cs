namespace Strata.Redis;

/// <summary>Capped exponential backoff with jitter (each wait between half and all of its ceiling), so instances
/// that lost Redis together do not come back in step.</summary>
internal sealed class RedisBackoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    internal TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }

    internal void Reset() => _failures = 0;
}
