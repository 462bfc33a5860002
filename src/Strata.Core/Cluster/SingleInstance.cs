namespace Strata.Cluster;

/// <summary>The cluster of one: every lease is this instance's, and there is nobody to signal.</summary>
internal sealed class SingleInstance : IClusterLeases, IClusterSignals
{
    event Action<ClusterSignal>? IClusterSignals.Signaled { add { } remove { } }

    public Task<ClusterLease> AcquireAsync(string name, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(new ClusterLease(name, CancellationToken.None));
    }

    public Task SignalAsync(ClusterTopic topic, CancellationToken ct = default) => Task.CompletedTask;
}
