namespace Strata.Mqtt;

/// <summary>What the bridge is doing, for its health check: written by the bridge's loop, read by health requests.</summary>
internal sealed class MqttBridgeStatus
{
    private readonly Lock _gate = new();
    private MqttBridgeState _state = MqttBridgeState.Starting;
    private long? _lastPublished;
    private string? _lastError;

    public string Server { get; init; } = "";

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
        }
    }

    public void Published(long revision)
    {
        lock (_gate) _lastPublished = revision;
    }
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
