using System.Threading.Channels;
using Strata.Naming;

namespace Strata.Engine;

/// <summary>
/// Fans each commit event out to in-process subscribers (watchers, bridges) in revision order. Publishing never
/// blocks the commit loop: a subscriber that falls more than its buffer behind is completed with
/// <see cref="ChangeFeedOverflowException"/> and resumes from history (<see cref="HistoryFeed"/>), so it never
/// misses an event silently. Long-polls wait on a namespace's signal instead: a write elsewhere does not wake them.
/// </summary>
internal sealed class ChangeFeed : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Channel<ChangeEvent>> _subscribers = [];
    private readonly Dictionary<string, TaskCompletionSource> _namespaceSignals = new(Names.Comparer);
    private ITimer? _heartbeat;
    private long _lastRevision;

    /// <summary>The revision of the last event published (or the store's revision at start).</summary>
    public long LastRevision
    {
        get { lock (_gate) return _lastRevision; }
    }

    /// <summary>Sets the starting revision and sends a heartbeat to every subscriber each <paramref name="interval"/>.</summary>
    public void Start(long revision, TimeSpan interval, TimeProvider time)
    {
        lock (_gate) _lastRevision = revision;
        _heartbeat = time.CreateTimer(_ =>
        {
            lock (_gate) Deliver(new ChangeEvent(ChangeEvent.Heartbeat, _lastRevision, [], "strata", time.GetUtcNow().ToUnixTimeMilliseconds()));
        }, null, interval, interval);
    }

    /// <summary>
    /// A subscription and the revision it starts after: every event with a later revision will be read from it
    /// (until it overflows); everything up to <c>After</c> is already in the store.
    /// </summary>
    public (ChannelReader<ChangeEvent> Reader, long After) Subscribe(int buffer = 1024)
    {
        var channel = Channel.CreateBounded<ChangeEvent>(new BoundedChannelOptions(buffer) { SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
            return (channel.Reader, _lastRevision);
        }
    }

    public void Unsubscribe(ChannelReader<ChangeEvent> reader)
    {
        lock (_gate) _subscribers.RemoveAll(c => c.Reader == reader);
    }

    /// <summary>Completes when the next event that touches <paramref name="ns"/> is published (a reload touches all).</summary>
    public Task NextChange(string ns)
    {
        lock (_gate)
        {
            if (!_namespaceSignals.TryGetValue(ns, out var signal))
                _namespaceSignals[ns] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return signal.Task;
        }
    }

    public void Publish(ChangeEvent change)
    {
        lock (_gate)
        {
            _lastRevision = Math.Max(_lastRevision, change.Revision);
            Deliver(change);
            if (_namespaceSignals.Count == 0) return;
            if (change.Event == ChangeEvent.Reloaded)
            {
                foreach (var signal in _namespaceSignals.Values) signal.TrySetResult();
                _namespaceSignals.Clear();
                return;
            }
            foreach (var key in change.Changed)
                if (_namespaceSignals.Remove(key.Namespace, out var signal)) signal.TrySetResult();
        }
    }

    public void Dispose() => _heartbeat?.Dispose();

    private void Deliver(ChangeEvent change)
    {
        for (var i = _subscribers.Count - 1; i >= 0; i--)
        {
            if (_subscribers[i].Writer.TryWrite(change)) continue;
            _subscribers[i].Writer.TryComplete(new ChangeFeedOverflowException(change.Revision));
            _subscribers.RemoveAt(i);
        }
    }
}

/// <summary>A subscriber fell a whole buffer behind; it resumes from history after the last event it handled.</summary>
internal sealed class ChangeFeedOverflowException(long revision)
    : Exception($"Subscriber fell behind at revision {revision}; resume from history.");
