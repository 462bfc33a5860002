namespace Strata;

/// <summary>How watch streams (<c>GET /api/v1/watch</c>) and long-polls behave.</summary>
public sealed class StrataWatchOptions
{
    /// <summary>Seconds between heartbeats on every stream; a client that hears nothing for three treats the stream as dead. Default 15.</summary>
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>How many revisions a resuming watcher may be behind before it gets a <c>reset</c> instead of a replay. Default 10,000.</summary>
    public int MaxReplay { get; set; } = 10_000;
}
