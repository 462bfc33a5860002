namespace Strata.Client.Internal;

/// <summary>Capped exponential backoff with jitter (each wait between half and all of its ceiling), so a fleet that
/// lost its server does not come back in step.</summary>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    internal TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return Jitter(TimeSpan.FromMilliseconds(ceiling));
    }

    internal void Reset() => _failures = 0;

    internal static TimeSpan Jitter(TimeSpan ceiling) => ceiling * (0.5 + Random.Shared.NextDouble() / 2);
}
