using Microsoft.Extensions.Logging;
using Npgsql;
using Strata.Cluster;

namespace Strata.PostgreSql;

/// <summary>
/// Leases as session-level advisory locks, each on a connection of its own: PostgreSQL releases the lock when that
/// session ends, so an instance that dies or loses its connection hands the lease over by itself. A waiting instance
/// polls with backoff; a holder watches its connection and fires <see cref="ClusterLease.Lost"/> when it breaks.
/// </summary>
internal sealed partial class PostgresLeases(PostgresStore store, ILogger<PostgresLeases> logger) : IClusterLeases
{
    private static readonly TimeSpan PollFirst = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PollMax = TimeSpan.FromSeconds(1);

    public async Task<ClusterLease> AcquireAsync(string name, CancellationToken ct)
    {
        var backoff = new Backoff(PollFirst, PollMax);
        var key = $"strata:lease:{store.Schema}:{name}";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            NpgsqlConnection? connection = null;
            try
            {
                connection = await store.OpenDedicatedAsync(ct).ConfigureAwait(false);
                while (true)
                {
                    await using (var lockIt = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@key, 0))", connection))
                    {
                        lockIt.Parameters.Add(PostgresStore.Text("key", key));
                        if ((bool)(await lockIt.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
                        {
                            var held = Hold(name, connection);
                            connection = null;
                            return held;
                        }
                    }
                    await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException e)
            {
                LogLeaseWaitFailed(logger, e, name);
                await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
            }
            finally
            {
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private ClusterLease Hold(string name, NpgsqlConnection connection)
    {
        var lost = new CancellationTokenSource();
        var stop = new CancellationTokenSource();
        var watch = WatchAsync(name, connection, lost, stop.Token);
        return new ClusterLease(name, lost.Token, async () =>
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
            // Ending the session releases the lock.
            await connection.DisposeAsync().ConfigureAwait(false);
            stop.Dispose();
        });
    }

    /// <summary>
    /// Waits on the lease's connection until it is released or breaks: a server that shuts down or ends the session
    /// says so on it at once, and the connection's keepalive finds a peer that went silent.
    /// </summary>
    private async Task WatchAsync(string name, NpgsqlConnection connection, CancellationTokenSource lost, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested) await connection.WaitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Whatever ended the wait, the session may be gone with the lock: the holder must stop.
            LogLeaseLost(logger, e, name);
            await lost.CancelAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Waiting for the lease {Name}: PostgreSQL is unreachable; retrying")]
    private static partial void LogLeaseWaitFailed(ILogger logger, Exception e, string name);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "The lease {Name} was lost: its PostgreSQL connection broke")]
    private static partial void LogLeaseLost(ILogger logger, Exception e, string name);
}
