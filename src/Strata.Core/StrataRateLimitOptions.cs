namespace Strata;

/// <summary>
/// Per-caller request rate: <see cref="PermitsPerSecond"/> sustained, bursts up to <see cref="Burst"/>, for each
/// valid token; requests without a valid token (anonymous, or a bad token) share a tighter budget per client
/// address. <see cref="PermitsPerSecond"/> 0 turns limiting off.
/// </summary>
public sealed class StrataRateLimitOptions
{
    /// <summary>Requests per second each valid token may make. Default 1,000; 0 = no limit at all.</summary>
    public int PermitsPerSecond { get; set; } = 1000;

    /// <summary>Requests a caller may make at once before the rate applies. Default 2,000.</summary>
    public int Burst { get; set; } = 2000;

    /// <summary>Requests per second from one client address without a valid token (anonymous or refused). Default 100.</summary>
    public int UnauthenticatedPermitsPerSecond { get; set; } = 100;

    /// <summary>Burst of requests from one client address without a valid token. Default 200.</summary>
    public int UnauthenticatedBurst { get; set; } = 200;
}
