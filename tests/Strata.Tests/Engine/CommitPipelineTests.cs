using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.Engine;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Engine;

public sealed class CommitPipelineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The real SQLite store's log, counting commits and able to fail one on demand.</summary>
    private sealed class ObservedStore(ISettingsLog inner) : ISettingsLog
    {
        public int Commits;
        public bool FailNext;
        public Task MigrateAsync(CancellationToken ct = default) => inner.MigrateAsync(ct);
        public Task<StoreContents> LoadAsync(CancellationToken ct = default) => inner.LoadAsync(ct);
        public async Task<ICommitTransaction> BeginCommitAsync(CancellationToken ct = default) =>
            new ObservedTransaction(this, await inner.BeginCommitAsync(ct));
        public Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery q, CancellationToken ct = default) => inner.HistoryAsync(q, ct);
        public Task<IReadOnlyList<ChangeRecord>> ChangesAsync(long after, long through, CancellationToken ct = default) => inner.ChangesAsync(after, through, ct);
        public Task<IReadOnlyList<StoredEntry>> StateAtAsync(string? ns, long r, CancellationToken ct = default) => inner.StateAtAsync(ns, r, ct);
        public Task<long> RevisionAtAsync(DateTimeOffset t, CancellationToken ct = default) => inner.RevisionAtAsync(t, ct);
        public Task<StoreStatus> StatusAsync(CancellationToken ct = default) => inner.StatusAsync(ct);
        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class ObservedTransaction(ObservedStore store, ICommitTransaction inner) : ICommitTransaction
        {
            public long Revision => inner.Revision;
            public long Time => inner.Time;
            public Task<IReadOnlyList<ChangeRecord>> ChangesAsync(long after, CancellationToken ct = default) => inner.ChangesAsync(after, ct);
            public Task CommitAsync(IReadOnlyList<ChangeRecord> records, IReadOnlyList<AuditRecord> audit, CancellationToken ct = default)
            {
                Interlocked.Increment(ref store.Commits);
                if (store.FailNext) { store.FailNext = false; throw new StoreUnavailableException("disk full", isTransient: true); }
                return inner.CommitAsync(records, audit, ct);
            }
            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>A clock the test sets by hand.</summary>
    private sealed class ManualClock(long unixMs) : TimeProvider
    {
        public long Now = unixMs;
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Now);
    }

    private async Task<(SettingsEngine Engine, ObservedStore Store)> StartAsync(Action<StrataOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new StrataOptions { DataDirectory = _dir.Path, EnvironmentVariables = new System.Collections.Hashtable() };
        configure?.Invoke(options);
        var time = clock ?? TimeProvider.System;
        var sqlite = new SqliteSettingsStore(_dir.File("strata.db"), time);
        var store = new ObservedStore(sqlite);
        // The engine composed as a host composes it, with the log observed.
        var engine = new ServiceCollection()
            .AddLogging()
            .AddSingleton(Options.Create(options))
            .AddStrataStore(_ => sqlite)
            .AddSingleton<ISettingsLog>(store)
            .AddSingleton(time)
            .AddStrataEngine()
            .BuildServiceProvider()
            .GetRequiredService<SettingsEngine>();
        await engine.StartAsync();
        return (engine, store);
    }

    private static ChangeSet Set(string key, object? value, long? ifVersion = null, string ns = "app") =>
        new([new Change(ns, key, "global", EngineHarness.Json(value), ifVersion)], "test");

    [Fact]
    public async Task Concurrent_writes_are_group_committed_each_with_its_own_revision_and_all_durable()
    {
        var (engine, store) = await StartAsync();
        await using (engine)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => engine.CommitAsync(Set($"k{i}", i))));

            Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), results.Select(r => r.Revision).Order());
            Assert.Equal(300, engine.Current.Revision);
            Assert.True(store.Commits < 300, $"expected batching, saw {store.Commits} commits for 300 writes");
        }
        await using var reopened = new SqliteSettingsStore(_dir.File("strata.db"));
        var contents = await reopened.LoadAsync();
        Assert.Equal(300, contents.Revision);
        Assert.Equal(300, contents.Entries.Count);
    }

    [Fact]
    public async Task Per_key_versions_start_at_one_and_keep_counting_through_a_reset()
    {
        var (engine, _) = await StartAsync();
        await using var _e = engine;
        Assert.Equal(1, (await engine.CommitAsync(Set("a", 1))).Applied[0].Version);
        Assert.Equal(2, (await engine.CommitAsync(Set("a", 2))).Applied[0].Version);
        var reset = await engine.CommitAsync(new ChangeSet([new Change("app", "a", "global", null)], "test"));
        Assert.Equal((3L, true), (reset.Applied[0].Version, reset.Applied[0].Reset));
        Assert.Null(engine.Get("app", "a"));
        Assert.Equal(4, (await engine.CommitAsync(Set("a", 4))).Applied[0].Version);
    }

    [Fact]
    public async Task A_stale_expected_version_is_refused_and_changes_nothing()
    {
        var (engine, _) = await StartAsync();
        await using var _e = engine;
        await engine.CommitAsync(Set("a", 1));
        await engine.CommitAsync(Set("a", 2));

        var conflict = await Assert.ThrowsAsync<VersionConflictException>(() => engine.CommitAsync(Set("a", 3, ifVersion: 1)));

        Assert.Equal(2, conflict.CurrentVersion);
        Assert.Equal(2, engine.Current.Revision);
        Assert.Equal(2, engine.Get("app", "a")!.As<int>());
        Assert.Equal(3, (await engine.CommitAsync(Set("a", 3, ifVersion: 2))).Applied[0].Version);
    }

    [Fact]
    public async Task Of_two_racing_conditional_writes_on_one_version_exactly_one_wins()
    {
        var (engine, _) = await StartAsync();
        await using var _e = engine;
        await engine.CommitAsync(Set("a", 0));
        var attempts = Enumerable.Range(0, 20).Select(i => engine.CommitAsync(Set("a", i, ifVersion: 1))).ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async t => { try { await t; return true; } catch (VersionConflictException) { return false; } }));
        Assert.Equal(1, outcomes.Count(won => won));
    }

    [Fact]
    public async Task A_patch_with_one_invalid_change_stores_nothing()
    {
        var (engine, _) = await StartAsync(o => o.Define(new SettingDefinition { Namespace = "app", Key = "port", Type = SettingType.Int, Max = 65535 }));
        await using var _e = engine;

        var error = await Assert.ThrowsAsync<SettingsValidationException>(() => engine.CommitAsync(new ChangeSet(
        [
            new Change("app", "name", "global", EngineHarness.Json("ok")),
            new Change("app", "port", "global", EngineHarness.Json(70000)),
        ], "test")));

        Assert.Equal(("app/port", "max"), (error.Errors.Single().Field, error.Errors.Single().Rule));
        Assert.Equal(0, engine.Current.Revision);
        Assert.Null(engine.Get("app", "name"));
    }

    [Fact]
    public async Task A_multi_key_patch_takes_one_revision()
    {
        var (engine, _) = await StartAsync();
        await using var _e = engine;
        var result = await engine.CommitAsync(new ChangeSet(
            [new Change("a", "x", "global", EngineHarness.Json(1)), new Change("b", "y", "user:u", EngineHarness.Json(2))], "test"));
        Assert.Equal(1, result.Revision);
        Assert.Equal(2, result.Applied.Count);
        var history = await engine.Log.HistoryAsync(new HistoryQuery());
        Assert.All(history, h => Assert.Equal(1, h.Revision));
    }

    [Fact]
    public async Task When_the_store_fails_no_write_is_acknowledged_and_reads_are_unchanged()
    {
        var (engine, store) = await StartAsync();
        await using var _e = engine;
        await engine.CommitAsync(Set("a", 1));
        store.FailNext = true;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => engine.CommitAsync(Set("a", 2)));

        Assert.Equal((1L, 1), (engine.Current.Revision, engine.Get("app", "a")!.As<int>()));
        Assert.Equal(2, (await engine.CommitAsync(Set("a", 3))).Revision);
    }

    [Fact]
    public async Task Every_commit_publishes_one_event_naming_its_keys_and_reload_republishes()
    {
        var (engine, _) = await StartAsync();
        await using var _e = engine;
        var feed = engine.Feed.Subscribe().Reader;

        await engine.CommitAsync(new ChangeSet([new Change("a", "x", "global", EngineHarness.Json(1)), new Change("a", "y", "global", EngineHarness.Json(2))], "alice"));
        await engine.ReloadAsync("bob");

        var updated = await FeedEvents.NextChangeAsync(feed);
        Assert.Equal(("updated", 1L, "alice"), (updated.Event, updated.Revision, updated.Actor));
        Assert.Equal(["x", "y"], updated.Changed.Select(c => c.Key));
        Assert.Equal([1L, 1], updated.Changed.Select(c => c.Version));
        var reloaded = await FeedEvents.NextChangeAsync(feed);
        Assert.Equal(("reloaded", 1L), (reloaded.Event, reloaded.Revision));
    }

    [Fact]
    public async Task Changing_one_key_twice_in_one_patch_is_refused()
    {
        var (engine, _) = await StartAsync();
        await using var _e = engine;
        var error = await Assert.ThrowsAsync<SettingsValidationException>(() => engine.CommitAsync(new ChangeSet(
            [new Change("a", "x", "global", EngineHarness.Json(1)), new Change("A", "X", "global", EngineHarness.Json(2))], "test")));
        Assert.Equal("duplicate", error.Errors.Single().Rule);
    }

    [Fact]
    public async Task A_large_namespace_keeps_every_key_readable_as_its_overlay_is_merged()
    {
        var (engine, _) = await StartAsync();
        await using var _e = engine;
        for (var batch = 0; batch < 10; batch++)
            await Task.WhenAll(Enumerable.Range(batch * 100, 100).Select(i => engine.CommitAsync(Set($"k{i}", i, ns: "big"))));
        await engine.CommitAsync(Set("k5", -5, ns: "big"));

        Assert.Equal(1000, engine.Current.Namespace("big")!.Count);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(i == 5 ? -5 : i, engine.Get("big", $"k{i}")!.As<int>()));
    }

    [Fact]
    public async Task A_clock_that_steps_back_does_not_take_commit_times_with_it_even_across_a_restart()
    {
        var clock = new ManualClock(1_000_000);
        var (engine, store) = await StartAsync(clock: clock);
        await using (engine)
        {
            await engine.CommitAsync(Set("a", 1));
            clock.Now = 400_000;
            await engine.CommitAsync(Set("a", 2));
            await engine.AuditAsync(new AuditRecord(0, clock.Now, "test", "token.create", "ok"));
        }
        clock.Now = 300_000;
        (engine, store) = await StartAsync(clock: clock);
        await using (engine)
        {
            await engine.CommitAsync(Set("a", 3));
            var history = await engine.HistoryAsync(new HistoryQuery("app", "a"));
            Assert.Equal([1_000_000L, 1_000_000, 1_000_000], history.Select(h => h.At));
            Assert.All(await engine.AuditLog.AuditAsync(new AuditQuery()), a => Assert.Equal(1_000_000, a.At));
            Assert.Equal(3, await store.RevisionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000)));
            Assert.Equal(0, await store.RevisionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(999_999)));
        }
    }
}
