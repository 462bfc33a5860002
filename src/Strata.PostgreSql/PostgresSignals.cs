using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Strata.Cluster;

namespace Strata.PostgreSql;

/// <summary>
/// Cluster signals over <c>LISTEN/NOTIFY</c>: one connection of its own listens to the store's commit and signal
/// channels, reconnecting with capped exponential backoff; after every (re)connection it raises
/// <see cref="ClusterTopic.All"/>, since what was sent meanwhile is lost. A commit's notification is raised as
/// <see cref="ClusterTopic.Commits"/> unless it is this instance's own (or older than its last); its own signals are not
/// raised back to it. Listening starts with the first handler.
/// </summary>
internal sealed partial class PostgresSignals(PostgresStore store, ILogger<PostgresSignals> logger) : IClusterSignals, IAsyncDisposable
{
    private static readonly TimeSpan ReconnectFirst = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ReconnectMax = TimeSpan.FromSeconds(5);

    private readonly string _sender = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Action<ClusterSignal>? _signaled;
    private Task? _listening;
    private int _disposed;

    public event Action<ClusterSignal>? Signaled
    {
        add
        {
            lock (_gate)
            {
                _signaled += value;
                _listening ??= Task.Run(() => ListenAsync(_stopping.Token));
            }
        }
        remove
        {
            lock (_gate) _signaled -= value;
        }
    }

    public async Task SignalAsync(ClusterTopic topic, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await store.OpenAsync(ct).ConfigureAwait(false);
            await PostgresStore.ExecuteAsync(connection, null, "SELECT pg_notify(@channel, @payload)", ct,
                PostgresStore.Text("channel", store.SignalsChannel), PostgresStore.Text("payload", $"{_sender} {topic}")).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            // The others catch up when their listening connection comes back (All), or on the next signal.
            LogSignalFailed(logger, e, topic);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes it once per registration that hands it out.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? listening;
        lock (_gate) listening = _listening;
        if (listening is not null) await listening.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        var backoff = new Backoff(ReconnectFirst, ReconnectMax);
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await store.OpenDedicatedAsync(stopping).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await PostgresStore.ExecuteAsync(connection, null, $"LISTEN {store.CommitsChannel}; LISTEN {store.SignalsChannel}", stopping)
                    .ConfigureAwait(false);
                if (failures > 0) LogListening(logger, failures);
                failures = 0;
                backoff.Reset();
                Raise(new ClusterSignal(ClusterTopic.All));
                while (true) await connection.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                if (failures++ == 0) LogListenFailed(logger, e);
            }
            try
            {
                await Task.Delay(backoff.Next(), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == store.CommitsChannel)
        {
            // This instance read everything up to its own last commit under the lock: nothing to catch up there.
            if (!long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)) Raise(new ClusterSignal(ClusterTopic.Commits));
            else if (!store.IsOwnCommit(e.PID, revision)) Raise(new ClusterSignal(ClusterTopic.Commits, revision));
            return;
        }
        var space = e.Payload.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || e.Payload.AsSpan(0, space).SequenceEqual(_sender)) return;
        if (Enum.TryParse<ClusterTopic>(e.Payload.AsSpan(space + 1), out var topic)) Raise(new ClusterSignal(topic));
    }

    private void Raise(ClusterSignal signal)
    {
        Action<ClusterSignal>? handlers;
        lock (_gate) handlers = _signaled;
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<ClusterSignal>>())
        {
            // One failing handler must neither stop the others nor the listening loop.
            try { handler(signal); }
            catch (Exception e) { LogHandlerFailed(logger, e, signal.Topic); }
        }
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Listening for other instances failed; reconnecting with backoff")]
    private static partial void LogListenFailed(ILogger logger, Exception e);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Listening for other instances again after {Failures} failed attempt(s)")]
    private static partial void LogListening(ILogger logger, int failures);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Could not signal {Topic} to the other instances")]
    private static partial void LogSignalFailed(ILogger logger, Exception e, ClusterTopic topic);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Error, Message = "A handler of the cluster signal {Topic} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception e, ClusterTopic topic);
}
