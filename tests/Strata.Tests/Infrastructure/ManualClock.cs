namespace Strata.Tests.Infrastructure;

/// <summary>A clock a test moves by hand (timers still run on the system clock): for expiry without waiting.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _now = start.ToUnixTimeMilliseconds();

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _now));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, (long)by.TotalMilliseconds);
}
