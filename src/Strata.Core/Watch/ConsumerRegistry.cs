using System.Collections.Concurrent;

namespace Strata.Watch;

/// <summary>
/// The services following this server: one entry per consumer instance while it has a watch open, with the revision
/// it last said it applied. Lets an operator see whether a change has reached the whole fleet.
/// </summary>
internal sealed class ConsumerRegistry(TimeProvider time)
{
    private readonly TimeProvider time = time;

    // By token and instance: one token cannot take over, or report for, another's consumer.
    private readonly ConcurrentDictionary<(string? Token, string Instance), Consumer> _consumers = new();
    // Connects and disconnects are rare; one lock keeps a reconnect from racing the removal of its last stream.
    private readonly Lock _membership = new();

    /// <summary>Raised after a consumer connects or its last stream closes: for views that follow the fleet.</summary>
    public event Action? Changed;

    /// <summary>Registers a stream's consumer; disposing the result ends that stream's registration.</summary>
    public Connection Connect(string instance, string? application, string? host, IReadOnlyList<string> namespaces, string? tokenId, long appliedRevision)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_membership)
        {
            var consumer = _consumers.TryGetValue((tokenId, instance), out var known)
                ? known.Reconnected(application, host, namespaces, tokenId, now, appliedRevision)
                : _consumers[(tokenId, instance)] = new Consumer(instance, application, host, namespaces, tokenId, now, appliedRevision);
            var connection = new Connection(this, consumer);
            Changed?.Invoke();
            return connection;
        }
    }

    /// <summary>Records an applied revision; false when no open stream of this token belongs to the instance.</summary>
    public bool Report(string instance, string? tokenId, long revision)
    {
        if (!_consumers.TryGetValue((tokenId, instance), out var consumer) || consumer.Streams == 0) return false;
        consumer.Applied(revision, time.GetUtcNow().ToUnixTimeMilliseconds());
        return true;
    }

    public IReadOnlyList<Consumer> List() =>
        [.. _consumers.Values.Where(c => c.Streams > 0).OrderBy(c => c.Application, StringComparer.Ordinal).ThenBy(c => c.Instance, StringComparer.Ordinal)];

    private void Disconnect(Consumer consumer)
    {
        lock (_membership)
            if (consumer.Disconnected() == 0) _consumers.TryRemove(KeyValuePair.Create((consumer.TokenId, consumer.Instance), consumer));
        Changed?.Invoke();
    }

    internal sealed class Consumer(string instance, string? application, string? host, IReadOnlyList<string> namespaces, string? tokenId,
        long connectedSince, long appliedRevision)
    {
        private readonly Lock _gate = new();
        private int _streams = 1;

        public string Instance { get; } = instance;
        public string? Application { get; private set; } = application;
        public string? Host { get; private set; } = host;
        public IReadOnlyList<string> Namespaces { get; private set; } = namespaces;
        public string? TokenId { get; private set; } = tokenId;
        public long ConnectedSince { get; private set; } = connectedSince;
        public long AppliedRevision { get; private set; } = appliedRevision;
        public long LastSeen { get; private set; } = connectedSince;
        public int Streams { get { lock (_gate) return _streams; } }

        public Consumer Reconnected(string? application, string? host, IReadOnlyList<string> namespaces, string? tokenId, long now, long applied)
        {
            lock (_gate)
            {
                _streams++;
                (Application, Host, Namespaces, TokenId, LastSeen) = (application, host, namespaces, tokenId, now);
                // A stream's resume point is what the consumer holds now: after a reset it may be lower than before.
                AppliedRevision = applied;
            }
            return this;
        }

        public void Applied(long revision, long now)
        {
            lock (_gate) (AppliedRevision, LastSeen) = (revision, now);
        }

        public void Seen(long now)
        {
            lock (_gate) LastSeen = now;
        }

        public int Disconnected()
        {
            lock (_gate) return --_streams;
        }
    }

    /// <summary>One stream's registration of its consumer.</summary>
    internal sealed class Connection(ConsumerRegistry registry, Consumer consumer) : IDisposable
    {
        private int _disposed;

        /// <summary>The stream is alive (a heartbeat reached it).</summary>
        public void Seen() => consumer.Seen(registry.time.GetUtcNow().ToUnixTimeMilliseconds());

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) registry.Disconnect(consumer);
        }
    }
}
