namespace Strata.Cluster;

/// <summary>A held lease. <see cref="Lost"/> fires when it is lost without being released (the store's connection dropped).</summary>
internal sealed class ClusterLease(string name, CancellationToken lost, Func<ValueTask>? release = null) : IAsyncDisposable
{
    private Func<ValueTask>? _release = release;

    public string Name { get; } = name;

    public CancellationToken Lost { get; } = lost;

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _release, null)?.Invoke() ?? ValueTask.CompletedTask;
}
