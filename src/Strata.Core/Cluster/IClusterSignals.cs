namespace Strata.Cluster;

/// <summary>
/// Tells the other instances on a shared store that something they keep in memory changed, and hears theirs. A
/// signal only wakes: whoever hears it reads what changed from the store. With one instance nobody listens.
/// </summary>
internal interface IClusterSignals
{
    /// <summary>Raised for another instance's signal, and with <see cref="ClusterTopic.All"/> after signals may have been missed.</summary>
    event Action<ClusterSignal>? Signaled;

    /// <summary>Tells the other instances; completes once sent (a signal that could not be sent is logged, not thrown).</summary>
    Task SignalAsync(ClusterTopic topic, CancellationToken ct = default);
}
