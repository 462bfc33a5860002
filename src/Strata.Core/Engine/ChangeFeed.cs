using System.Threading.Channels;

namespace Strata.Engine;

/// <summary>
/// Fans each commit event out to in-process subscribers (bridges, watchers). Publishing never blocks the commit
/// loop: a subscriber that falls more than its buffer behind is completed with an error and must resume from
/// history, so it never misses an event silently.
/// </summary>
internal sealed class ChangeFeed
{
    private readonly Lock _gate = new();
    private readonly List<Channel<ChangeEvent>> _subscribers = [];

    /// <summary>Lets the commit loop skip building events nobody would read.</summary>
    public bool HasSubscribers
    {
        get { lock (_gate) return _subscribers.Count > 0; }
    }

    public ChannelReader<ChangeEvent> Subscribe(int buffer = 1024)
    {
        var channel = Channel.CreateBounded<ChangeEvent>(new BoundedChannelOptions(buffer) { SingleReader = true });
        lock (_gate) _subscribers.Add(channel);
        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<ChangeEvent> reader)
    {
        lock (_gate) _subscribers.RemoveAll(c => c.Reader == reader);
    }

    public void Publish(ChangeEvent change)
    {
        lock (_gate)
        {
            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (_subscribers[i].Writer.TryWrite(change)) continue;
                _subscribers[i].Writer.TryComplete(new InvalidOperationException($"Subscriber fell behind at revision {change.Revision}; resume from history."));
                _subscribers.RemoveAt(i);
            }
        }
    }
}
