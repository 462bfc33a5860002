using Microsoft.Extensions.Logging.Abstractions;
using Strata.Cluster;
using Strata.PostgreSql;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>PostgreSQL stopped and started again under a store: on a cluster of this class's own, since it stops it.</summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private PostgresServer _server = null!;

    public async Task InitializeAsync() => _server = await PostgresServer.StartNewAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static ChangeRecord Rec(long revision, long version) =>
        new(revision, "app", "k", "global", version, null, $"{version}", "tester", 1_000 * revision, null, revision - 1, 1_000);

    [Fact]
    public async Task A_store_whose_server_stops_fails_transiently_then_works_again_once_it_is_back()
    {
        await using var store = new PostgresStore(_server.ConnectionString);
        await store.MigrateAsync();
        await store.CommitAsync([Rec(1, 1)], []);

        await _server.StopAsync();
        var commit = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync([Rec(2, 2)], []));
        var read = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.LoadAsync());
        Assert.True(commit.IsTransient && read.IsTransient);
        Assert.DoesNotContain("Password", commit.Message, StringComparison.OrdinalIgnoreCase);

        await _server.StartAsync();
        await store.CommitAsync([Rec(2, 2)], []);
        var contents = await store.LoadAsync();
        Assert.Equal((2L, "2"), (contents.Revision, contents.Entries.Single().Value));
    }

    [Fact]
    public async Task A_store_whose_server_restarted_between_calls_recovers_after_at_most_one_transient_failure()
    {
        await using var store = new PostgresStore(_server.ConnectionString);
        await store.MigrateAsync();
        // Several idle connections in the pool, all of which the restart breaks.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.HistoryAsync(new HistoryQuery()))));

        await _server.RestartAsync();

        var failures = 0;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await store.CommitAsync([Rec(1, 1)], []);
                break;
            }
            catch (StoreUnavailableException e) when (e.IsTransient)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 0, 1);
        Assert.Equal(1, (await store.LoadAsync()).Revision);
    }

    [Fact]
    public async Task After_the_server_restarts_the_listener_reconnects_raises_All_and_hears_signals_again()
    {
        await using var a = new PostgresStore(_server.ConnectionString);
        await using var b = new PostgresStore(_server.ConnectionString);
        await a.MigrateAsync();
        await using var listening = new PostgresSignals(a, NullLogger<PostgresSignals>.Instance);
        await using var sending = new PostgresSignals(b, NullLogger<PostgresSignals>.Instance);
        var all = 0;
        var connected = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var tokens = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listening.Signaled += signal =>
        {
            if (signal.Topic == ClusterTopic.All) connected[Math.Min(Interlocked.Increment(ref all), 2) - 1].TrySetResult();
            if (signal.Topic == ClusterTopic.Tokens) tokens.TrySetResult();
        };
        await connected[0].Task.WaitAsync(Patience);

        await _server.RestartAsync();
        await connected[1].Task.WaitAsync(Patience);
        await sending.SignalAsync(ClusterTopic.Tokens);

        await tokens.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_lease_held_when_the_server_stops_is_lost_and_taken_again_once_it_is_back()
    {
        await using var store = new PostgresStore(_server.ConnectionString);
        var leases = new PostgresLeases(store, NullLogger<PostgresLeases>.Instance);
        var held = await leases.AcquireAsync("bridge:test", CancellationToken.None).WaitAsync(Patience);
        var lost = new TaskCompletionSource();
        held.Lost.Register(() => lost.TrySetResult());

        await _server.StopAsync();
        await lost.Task.WaitAsync(Patience);
        await held.DisposeAsync();
        var again = leases.AcquireAsync("bridge:test", CancellationToken.None);
        await _server.StartAsync();

        await using var next = await again.WaitAsync(Patience);
        Assert.False(next.Lost.IsCancellationRequested);
    }
}
