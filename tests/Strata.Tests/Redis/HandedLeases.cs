using Strata.Cluster;

namespace Strata.Tests.Redis;

/// <summary>
/// Leases the test hands out and takes back, as a shared store does when another instance takes over: a lease is
/// granted only after <see cref="Grant"/>, and <see cref="RevokeAsync"/> fires its <see cref="ClusterLease.Lost"/>.
/// </summary>
internal sealed class HandedLeases : IClusterLeases
{
    private readonly SemaphoreSlim _grants = new(0);
    private readonly Lock _gate = new();
    private CancellationTokenSource? _current;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Grant() => _grants.Release();

    /// <summary>Takes the held lease back; completes once its holder has let go of it.</summary>
    public Task RevokeAsync()
    {
        lock (_gate)
        {
            var released = _released.Task;
            _current?.Cancel();
            return released.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async Task<ClusterLease> AcquireAsync(string name, CancellationToken ct)
    {
        await _grants.WaitAsync(ct);
        lock (_gate)
        {
            _current = new CancellationTokenSource();
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var released = _released;
            return new ClusterLease(name, _current.Token, () =>
            {
                released.TrySetResult();
                return ValueTask.CompletedTask;
            });
        }
    }
}
