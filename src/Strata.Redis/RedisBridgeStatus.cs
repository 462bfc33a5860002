namespace Strata.Redis;

/// <summary>What the bridge's health check reports: connected, publishing (holding the lease), the last revision
/// published and the last error. Written by the bridge, read by the health check.</summary>
internal sealed class RedisBridgeStatus
{
    private readonly Lock _gate = new();
    private bool _connected;
    private bool _publishing;
    private long? _lastPublished;
    private string? _lastError;

    /// <summary>Raised after a revision is in Redis (tests wait on it rather than on time).</summary>
    internal event Action<long>? Published;

    /// <summary>Raised after the connection state changed (tests wait on it rather than on time).</summary>
    internal event Action<bool>? ConnectionChanged;

    internal (bool Connected, bool Publishing, long? LastPublished, string? LastError) Read()
    {
        lock (_gate) return (_connected, _publishing, _lastPublished, _lastError);
    }

    internal void MarkPublishing(bool publishing)
    {
        lock (_gate) _publishing = publishing;
    }

    internal void MarkConnected()
    {
        bool changed;
        lock (_gate)
        {
            changed = !_connected;
            _connected = true;
            _lastError = null;
        }
        if (changed) ConnectionChanged?.Invoke(true);
    }

    internal void MarkDisconnected(string error)
    {
        bool changed;
        lock (_gate)
        {
            changed = _connected;
            _connected = false;
            _lastError = error;
        }
        if (changed) ConnectionChanged?.Invoke(false);
    }

    internal void MarkPublished(long revision)
    {
        MarkConnected();
        lock (_gate) _lastPublished = Math.Max(_lastPublished ?? revision, revision);
        Published?.Invoke(revision);
    }
}
