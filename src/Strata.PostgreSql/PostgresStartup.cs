using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Strata.Engine;
using Strata.Security;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Cluster;

namespace Strata.PostgreSql;

/// <summary>
/// Instances on one store start one at a time: from before the engine starts until the host has started, this holds
/// the store's start lock (a session advisory lock). What a first start creates once for the whole cluster (the
/// schema, the bootstrap admin token, the first data key) is so created once, by the first instance; the others find
/// it. It also refuses a start whose signing key differs from the one the cluster signs with.
/// </summary>
internal sealed partial class PostgresStartup(PostgresStore store, IStrataStore registered, IOptions<StrataOptions> options,
    StrataEnvironment environment, TimeProvider time, ILogger<PostgresStartup> logger) : IHostedLifecycleService, IAsyncDisposable
{
    public const string SigningKeyName = "signing";

    private static readonly TimeSpan PollFirst = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PollMax = TimeSpan.FromSeconds(1);

    private NpgsqlConnection? _lock;

    public async Task StartingAsync(CancellationToken ct)
    {
        if (!ReferenceEquals(registered, store))
            throw new InvalidOperationException("AddStrata was called after AddStrataPostgreSql and put the SQLite store back: call AddStrataPostgreSql after AddStrata.");
        // The data folder still holds this instance's own files: the signing key unless it comes from the
        // environment, session keys, the bootstrap token file.
        var dataDirectory = Path.GetFullPath(options.Value.DataDirectory);
        PrivateFiles.Folder(dataDirectory, "strata.db");
        try
        {
            await store.Guarded(async () =>
            {
                _lock = await store.OpenDedicatedAsync(ct).ConfigureAwait(false);
                await LockAsync(_lock, ct).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
            await store.MigrateAsync(ct).ConfigureAwait(false);
            await CheckSigningKeyAsync(dataDirectory, ct).ConfigureAwait(false);
        }
        catch
        {
            // A refused start must not keep the others from starting until its host is disposed.
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken ct) => await ReleaseAsync().ConfigureAwait(false);

    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;

    public async ValueTask DisposeAsync() => await ReleaseAsync().ConfigureAwait(false);

    private async Task LockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var backoff = new Backoff(PollFirst, PollMax);
        var waited = false;
        await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@key, 0))", connection);
        tryLock.Parameters.Add(PostgresStore.Text("key", $"strata:start:{store.Schema}"));
        while (!(bool)(await tryLock.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
        {
            if (!waited) LogWaiting(logger);
            waited = true;
            await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every instance must sign with one key, or a client that pins it refuses what some instances send. The first
    /// instance's key id is recorded in the store; a start with another key stops here.
    /// </summary>
    private async Task CheckSigningKeyAsync(string dataDirectory, CancellationToken ct)
    {
        using var key = new SigningKey();
        // The same source the engine uses next: the variable, else the data folder's file (created now if missing).
        key.Initialize(environment[SigningKey.Variable], dataDirectory);
        var recorded = await store.SharedKeyAsync(SigningKeyName, key.KeyId, time.GetUtcNow().ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
        if (recorded != key.KeyId)
            throw new SecretException(
                $"This instance's signing key (id {key.KeyId}, from {key.File ?? SigningKey.Variable}) is not the one the other instances on this PostgreSQL store sign with (id {recorded}). "
                + $"Every instance must sign with the same key: give each the same {SigningKey.Variable} (the base64 seed in the first instance's {SigningKey.FileName}).");
    }

    private async Task ReleaseAsync()
    {
        // Ending the session releases the lock.
        if (Interlocked.Exchange(ref _lock, null) is { } connection) await connection.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1120, Level = LogLevel.Information, Message = "Waiting for another instance to finish starting on this PostgreSQL store")]
    private static partial void LogWaiting(ILogger logger);
}
