namespace Strata;

/// <summary>Per-caller request rate: <see cref="PermitsPerSecond"/> sustained, bursts up to <see cref="Burst"/>; 0 turns it off.</summary>
public sealed class StrataRateLimitOptions
{
    /// <summary>Requests per second each token (or client address, without a token) may make. Default 1,000; 0 = no limit.</summary>
    public int PermitsPerSecond { get; set; } = 1000;

    /// <summary>Requests a caller may make at once before the rate applies. Default 2,000.</summary>
    public int Burst { get; set; } = 2000;
}
