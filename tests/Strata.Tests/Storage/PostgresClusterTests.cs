using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Strata.Cluster;
using Strata.PostgreSql;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>Several instances on one PostgreSQL schema: commits racing, leases, signals.</summary>
public sealed class PostgresClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private PostgresServer _server = null!;
    private string _schema = "";
    private readonly List<IAsyncDisposable> _owned = [];

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.Shared;
        _schema = _server.NewSchema();
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    private async Task<PostgresStore> StoreAsync()
    {
        // Named after the test's schema, so its sessions are told apart from other tests' on the shared cluster.
        var store = new PostgresStore(_server.ConnectionString + $";Application Name={_schema}", _schema);
        _owned.Add(store);
        await store.MigrateAsync();
        return store;
    }

    private static ChangeRecord Rec(long revision, string key, long version, string value = "1") =>
        new(revision, "app", key, "global", version, null, value, "tester", 1_000, null, 0, 1_000);

    [Fact]
    public async Task Commits_racing_from_two_stores_get_gap_free_revisions_in_commit_order()
    {
        var stores = new[] { await StoreAsync(), await StoreAsync() };
        const int workers = 3, commits = 20;

        await Task.WhenAll(stores.SelectMany((store, s) => Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < commits; i++)
            {
                await using var commit = await store.BeginCommitAsync();
                // Two records in one revision and one in the next: revisions continue the head whoever committed last.
                await commit.CommitAsync(
                    [Rec(commit.Revision + 1, $"s{s}w{w}c{i}a", 1), Rec(commit.Revision + 1, $"s{s}w{w}c{i}b", 1), Rec(commit.Revision + 2, $"s{s}w{w}c{i}c", 1)],
                    [new AuditRecord(0, commit.Time, "tester", "setting.set", "ok")]);
            }
        }))));

        var total = stores.Length * workers * commits * 2;
        var contents = await stores[0].LoadAsync();
        Assert.Equal(total, contents.Revision);
        var changes = await stores[1].ChangesAsync(0, total);
        Assert.Equal(Enumerable.Range(1, total).Select(r => (long)r), changes.Select(c => c.Revision).Distinct());
        Assert.Equal(stores.Length * workers * commits * 3, contents.Entries.Count);
    }

    [Fact]
    public async Task Of_two_stores_writing_the_same_version_of_a_key_exactly_one_commits()
    {
        var (a, b) = (await StoreAsync(), await StoreAsync());
        await a.CommitAsync([Rec(1, "k", 1)], []);
        for (var round = 0; round < 10; round++)
        {
            // Both build on version round + 1: the second to take the lock finds the key moved on, in SQL.
            var version = round + 2;
            var results = await Task.WhenAll(new[] { a, b }.Select(store => Task.Run(async () =>
            {
                try
                {
                    await using var commit = await store.BeginCommitAsync();
                    // Every revision changes k: its previous change is the last revision.
                    await commit.CommitAsync([Rec(commit.Revision + 1, "k", version, $"{round}") with { PreviousRevision = commit.Revision }], []);
                    return true;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            })));
            Assert.Single(results, won => won);
        }
        var contents = await b.LoadAsync();
        Assert.Equal((11L, 11L), (contents.Revision, contents.Entries.Single().Version));
        Assert.Equal(11, (await a.HistoryAsync(new HistoryQuery("app", "k"))).Count);
    }

    [Fact]
    public async Task A_commit_time_comes_from_the_database_clock_and_never_goes_below_the_last_commit()
    {
        var store = await StoreAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long first;
        await using (var commit = await store.BeginCommitAsync())
        {
            first = commit.Time;
            Assert.InRange(first, before - 60_000, before + 60_000);
            // A commit stamped ahead of the clock (another instance's clock, say) sets the floor for the next.
            await commit.CommitAsync([Rec(1, "k", 1) with { At = first + 3_600_000 }], []);
        }
        await using var next = await store.BeginCommitAsync();
        Assert.Equal(first + 3_600_000, next.Time);
    }

    [Fact]
    public async Task A_commit_transaction_disposed_without_committing_leaves_nothing_and_frees_the_lock()
    {
        var (a, b) = (await StoreAsync(), await StoreAsync());
        await using (var abandoned = await a.BeginCommitAsync())
        {
            var changes = await abandoned.ChangesAsync(0);
            Assert.Empty(changes);
        }
        await using var commit = await b.BeginCommitAsync().WaitAsync(Patience);
        Assert.Equal(0, commit.Revision);
    }

    [Fact]
    public async Task Two_holders_never_hold_one_lease_and_releasing_it_hands_it_over()
    {
        var (a, b) = (Leases(await StoreAsync()), Leases(await StoreAsync()));
        var held = await a.AcquireAsync("bridge:test", CancellationToken.None).WaitAsync(Patience);
        var waiting = b.AcquireAsync("bridge:test", CancellationToken.None);

        // The waiter has asked and was refused: its session ran the try-lock while the first one holds it.
        Assert.True(await Eventually.WithinAsync(Patience, async () => await PollersAsync() > 0), "The condition did not hold in time.");
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, await HoldersAsync("bridge:test"));
        var other = await b.AcquireAsync("bridge:other", CancellationToken.None).WaitAsync(Patience);

        await held.DisposeAsync();
        var next = await waiting.WaitAsync(Patience);
        Assert.Equal(1, await HoldersAsync("bridge:test"));
        Assert.False(next.Lost.IsCancellationRequested);
        await next.DisposeAsync();
        await other.DisposeAsync();
        Assert.True(await Eventually.WithinAsync(Patience, async () => await HoldersAsync("bridge:test") == 0), "The condition did not hold in time.");
    }

    [Fact]
    public async Task A_holder_whose_connection_is_killed_is_told_and_the_lease_passes_to_a_waiter()
    {
        var (a, b) = (Leases(await StoreAsync()), Leases(await StoreAsync()));
        await using var held = await a.AcquireAsync("bridge:test", CancellationToken.None).WaitAsync(Patience);
        var waiting = b.AcquireAsync("bridge:test", CancellationToken.None);
        Assert.True(await Eventually.WithinAsync(Patience, async () => await PollersAsync() > 0), "The condition did not hold in time.");

        await using (var admin = await _server.ConnectAsync())
        await using (var kill = new NpgsqlCommand(
            $"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND {LockIs("@key")}", admin))
        {
            kill.Parameters.AddWithValue("key", LeaseKey("bridge:test"));
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await WhenCancelledAsync(held.Lost).WaitAsync(Patience);
        await using var next = await waiting.WaitAsync(Patience);
        Assert.False(next.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task Waiting_for_a_lease_ends_when_cancelled()
    {
        var (a, b) = (Leases(await StoreAsync()), Leases(await StoreAsync()));
        await using var held = await a.AcquireAsync("bridge:test", CancellationToken.None).WaitAsync(Patience);
        using var cancel = new CancellationTokenSource();
        var waiting = b.AcquireAsync("bridge:test", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_signal_reaches_the_other_instance_and_not_its_sender()
    {
        var (a, b) = (await StoreAsync(), await StoreAsync());
        var (toA, toB) = (new SignalLog(Signals(a)), new SignalLog(Signals(b)));
        await Task.WhenAll(toA.WaitForAsync(ClusterTopic.All), toB.WaitForAsync(ClusterTopic.All));

        await toA.Signals.SignalAsync(ClusterTopic.Tokens);
        await toB.WaitForAsync(ClusterTopic.Tokens);
        await toB.Signals.SignalAsync(ClusterTopic.Users);
        await toA.WaitForAsync(ClusterTopic.Users);

        // A's own signal went out before B's, on the same channel: had A heard it, it would be here.
        Assert.Equal([ClusterTopic.All, ClusterTopic.Users], toA.Seen);
        Assert.Equal([ClusterTopic.All, ClusterTopic.Tokens], toB.Seen);
    }

    [Fact]
    public async Task A_commit_is_signaled_to_the_other_instances_and_not_to_the_one_that_made_it()
    {
        var (a, b) = (await StoreAsync(), await StoreAsync());
        var (toA, toB) = (new SignalLog(Signals(a)), new SignalLog(Signals(b)));
        await Task.WhenAll(toA.WaitForAsync(ClusterTopic.All), toB.WaitForAsync(ClusterTopic.All));

        await a.CommitAsync([Rec(1, "k", 1)], []);
        await toB.WaitForAsync(ClusterTopic.Commits);
        await using (var commit = await b.BeginCommitAsync())
        {
            Assert.Equal("k", Assert.Single(await commit.ChangesAsync(0)).Key);
            await commit.CommitAsync([Rec(2, "k", 2)], []);
        }
        await toA.WaitForAsync(ClusterTopic.Commits);

        Assert.Equal([ClusterTopic.All, ClusterTopic.Commits], toA.Seen);
        Assert.Equal([ClusterTopic.All, ClusterTopic.Commits], toB.Seen);
        Assert.Equal([2L], toA.Revisions);
        Assert.Equal([1L], toB.Revisions);
    }

    [Fact]
    public async Task A_shared_key_s_first_fingerprint_is_kept_and_told_to_every_instance()
    {
        var (a, b) = (await StoreAsync(), await StoreAsync());
        Assert.Equal("first", await a.SharedKeyAsync("signing", "first", 1));
        Assert.Equal("first", await b.SharedKeyAsync("signing", "second", 2));
        Assert.Equal("first", await a.SharedKeyAsync("signing", "first", 3));
    }

    private PostgresLeases Leases(PostgresStore store) => new(store, NullLogger<PostgresLeases>.Instance);

    private PostgresSignals Signals(PostgresStore store)
    {
        var signals = new PostgresSignals(store, NullLogger<PostgresSignals>.Instance);
        _owned.Add(signals);
        return signals;
    }

    private string LeaseKey(string name) => $"strata:lease:{_schema}:{name}";

    private static string LockIs(string key) => $"((classid::bigint << 32) | objid::bigint) = hashtextextended({key}, 0)";

    private async Task<long> HoldersAsync(string lease)
    {
        await using var admin = await _server.ConnectAsync();
        await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND {LockIs("@key")}", admin);
        count.Parameters.AddWithValue("key", LeaseKey(lease));
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>This test's lease sessions that asked for a lock and were refused: their last statement was the try-lock, and they hold none.</summary>
    private async Task<long> PollersAsync()
    {
        await using var admin = await _server.ConnectAsync();
        await using var count = new NpgsqlCommand("""
            SELECT COUNT(*) FROM pg_stat_activity a
            WHERE a.application_name = @name AND a.query LIKE '%pg_try_advisory_lock%' AND a.state = 'idle'
              AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory')
            """, admin);
        count.Parameters.AddWithValue("name", _schema + "-cluster");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static Task WhenCancelledAsync(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task;
    }

    /// <summary>Every signal an instance heard, in order, and a way to wait for the next of a topic.</summary>
    private sealed class SignalLog
    {
        private readonly ConcurrentQueue<ClusterTopic> _seen = new();
        private readonly ConcurrentQueue<long> _revisions = new();
        private readonly Lock _gate = new();
        private readonly List<(ClusterTopic Topic, int Count, TaskCompletionSource Done)> _waiters = [];

        public SignalLog(PostgresSignals signals)
        {
            Signals = signals;
            signals.Signaled += signal =>
            {
                lock (_gate)
                {
                    _seen.Enqueue(signal.Topic);
                    if (signal.Topic == ClusterTopic.Commits) _revisions.Enqueue(signal.Revision);
                    foreach (var w in _waiters.Where(w => _seen.Count(t => t == w.Topic) >= w.Count)) w.Done.TrySetResult();
                }
            };
        }

        public PostgresSignals Signals { get; }

        public ClusterTopic[] Seen => [.. _seen];

        /// <summary>The revisions the commit signals carried.</summary>
        public long[] Revisions => [.. _revisions];

        /// <summary>Waits until <paramref name="count"/> signals of <paramref name="topic"/> have been heard in all.</summary>
        public Task WaitForAsync(ClusterTopic topic, int count = 1)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_seen.Count(t => t == topic) >= count) done.TrySetResult();
                else _waiters.Add((topic, count, done));
            }
            return done.Task.WaitAsync(Patience);
        }
    }
}
