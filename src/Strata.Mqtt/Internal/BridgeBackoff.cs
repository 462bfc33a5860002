namespace Strata.Mqtt;

/// <summary>
/// Capped exponential backoff with full jitter: the n-th wait is random between half and all of
/// <c>min(max, initial·2ⁿ)</c>, so instances that lost the same broker do not come back in step.
/// </summary>
internal sealed class BridgeBackoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    public static BridgeBackoff Default() => new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }

    public void Reset() => _failures = 0;
}
