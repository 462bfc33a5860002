namespace Strata.Mqtt;

/// <summary>What the bridge is doing, for its health check: written by the bridge's loop, read by health requests.</summary>
internal sealed class MqttBridgeStatus
{
    private readonly Lock _gate = new();
    private MqttBridgeState _state = MqttBridgeState.Starting;
    private long? _lastPublished;
    private string? _lastError;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Server { get; init; } = "";

    /// <summary>Completes at the next change: take it before reading, then wait for it if what was read is not what is awaited.</summary>
    public Task Changed
    {
        get { lock (_gate) return _changed.Task; }
    }

    public (MqttBridgeState State, long? LastPublished, string? LastError) Read()
    {
        lock (_gate) return (_state, _lastPublished, _lastError);
    }

    public void Set(MqttBridgeState state, string? error = null)
    {
        lock (_gate)
        {
            _state = state;
            if (error is not null) _lastError = error;
            Signal();
        }
    }

    public void Published(long revision)
    {
        lock (_gate)
        {
            _lastPublished = revision;
            Signal();
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

internal enum MqttBridgeState
{
    Starting,
    /// <summary>Another instance holds the lease and publishes; this one waits to take over.</summary>
    Standby,
    Connecting,
    Connected,
    Disconnected,
}
