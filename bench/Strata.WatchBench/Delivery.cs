namespace Strata.WatchBench;

/// <summary>
/// Counts, across every watcher, streams that are live and change events that arrived, so the writer can wait for a
/// write to reach every watcher before it sends the next (writes never pile up).
/// </summary>
internal sealed class Delivery(int watchers)
{
    private readonly TaskCompletionSource _allReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _anyFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ready, _failed;
    private long _delivered, _target = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task AllReady => _allReady.Task;
    public Task AnyFailed => _anyFailed.Task;
    public int ReadyCount => Volatile.Read(ref _ready);
    public int FailedCount => Volatile.Read(ref _failed);
    public long DeliveredCount => Interlocked.Read(ref _delivered);

    public void Ready()
    {
        if (Interlocked.Increment(ref _ready) == watchers) _allReady.TrySetResult();
    }

    public void Failed()
    {
        Interlocked.Increment(ref _failed);
        _anyFailed.TrySetResult();
    }

    public void Delivered()
    {
        if (Interlocked.Increment(ref _delivered) >= Volatile.Read(ref _target)) Volatile.Read(ref _reached).TrySetResult();
    }

    /// <summary>Call before sending a write: the task completes once <paramref name="total"/> events have arrived in all.</summary>
    public Task Expect(long total)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _reached, reached);
        Volatile.Write(ref _target, total);
        if (Interlocked.Read(ref _delivered) >= total) reached.TrySetResult();
        return reached.Task;
    }
}
