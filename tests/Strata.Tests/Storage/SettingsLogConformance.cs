using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>The settings log: commits through the commit transaction, loading, history, changes, point-in-time reads. Every backend runs it (see <see cref="StoreContract{TBackend}"/>).</summary>
public abstract class SettingsLogConformance<TBackend> : StoreContract<TBackend> where TBackend : StoreBackend, new()
{
    [Fact]
    public async Task An_empty_store_loads_nothing_at_revision_zero()
    {
        var contents = await Store.LoadAsync();
        Assert.Empty(contents.Entries);
        Assert.Equal((0, 0), (contents.Revision, contents.LastAt));
    }

    [Fact]
    public async Task Migrating_again_is_harmless_and_the_schema_is_current()
    {
        await Store.MigrateAsync();
        var status = await Store.StatusAsync();
        Assert.Equal(0, status.PendingMigrations);
        Assert.True(status.SchemaVersion >= 1);
    }

    [Fact]
    public async Task Committed_records_load_back_as_the_current_entries()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1), Rec(1, "b", "\"x\"", 1)]);
        await Store.CommitAsync([Rec(2, "a", "2", 2, old: "1", at: 2_000, prev: 1, created: 1_000)]);

        var contents = await Store.LoadAsync();

        Assert.Equal(2, contents.Revision);
        var a = contents.Entries.Single(e => e.Key == "a");
        Assert.Equal(("2", 2L, 1_000L, 2_000L, 2L), (a.Value, a.Version, a.CreatedAt, a.UpdatedAt, a.Revision));
        Assert.Equal("\"x\"", contents.Entries.Single(e => e.Key == "b").Value);
    }

    [Fact]
    public async Task A_reset_keeps_a_tombstone_with_its_version_and_a_new_value_restarts_created_at()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1, at: 1_000)]);
        await Store.CommitAsync([Rec(2, "a", null, 2, old: "1", at: 2_000, prev: 1)]);
        var reset = (await Store.LoadAsync()).Entries.Single();
        Assert.Equal((null, 2L), (reset.Value, reset.Version));

        await Store.CommitAsync([Rec(3, "a", "3", 3, at: 3_000, prev: 2)]);
        var again = (await Store.LoadAsync()).Entries.Single();
        Assert.Equal(("3", 3L, 3_000L), (again.Value, again.Version, again.CreatedAt));
    }

    [Fact]
    public async Task Scopes_are_separate_entries_of_one_key()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1), Rec(1, "a", "2", 1, scope: "user:alice")]);
        var entries = (await Store.LoadAsync()).Entries;
        Assert.Equal(["global", "user:alice"], entries.Select(e => e.Scope).Order());
    }

    [Fact]
    public async Task Names_match_without_regard_to_case_and_keep_their_first_spelling()
    {
        await Store.CommitAsync([Rec(1, "MaxConn", "1", 1)]);
        await Store.CommitAsync([new ChangeRecord(2, "APP", "maxconn", "GLOBAL", 2, "1", "2", "t", 2_000, null, 1, 1_000)]);
        var entry = (await Store.LoadAsync()).Entries.Single();
        Assert.Equal(("MaxConn", "2"), (entry.Key, entry.Value));
        Assert.Equal(2, (await Store.HistoryAsync(new HistoryQuery("app", "MAXCONN"))).Count);
    }

    [Fact]
    public async Task History_is_newest_first_filtered_and_paged_by_revision()
    {
        for (var r = 1; r <= 5; r++)
            await Store.CommitAsync([Rec(r, "a", $"{r}", r, old: r == 1 ? null : $"{r - 1}", at: r * 1_000, prev: r - 1, created: 1_000), Rec(r, $"other{r}", "0", 1)]);

        var all = await Store.HistoryAsync(new HistoryQuery("app", "a"));
        Assert.Equal([5L, 4, 3, 2, 1], all.Select(h => h.Revision));
        Assert.Equal(("4", "5", "tester", "r5"), (all[0].OldValue, all[0].NewValue, all[0].Actor, all[0].Comment));

        var page = await Store.HistoryAsync(new HistoryQuery("app", "a", BeforeRevision: 4, Limit: 2));
        Assert.Equal([3L, 2], page.Select(h => h.Revision));
        Assert.Equal(10, (await Store.HistoryAsync(new HistoryQuery("app"))).Count);
        Assert.Empty(await Store.HistoryAsync(new HistoryQuery("app", "a", "user:x")));
    }

    [Fact]
    public async Task Changes_after_a_revision_come_oldest_first_in_commit_order_up_to_the_bound()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1), Rec(1, "b", "1", 1)]);
        await Store.CommitAsync([Rec(2, "b", "2", 2, old: "1", prev: 1), Rec(2, "a", "2", 2, old: "1", prev: 1, at: 2_000, created: 1_000)]);
        await Store.CommitAsync([Rec(3, "a", null, 3, old: "2", prev: 2), Rec(3, "c", "1", 1, ns: "other")]);

        var changes = await Store.ChangesAsync(1, 3);
        Assert.Equal([(2L, "b"), (2L, "a"), (3L, "a"), (3L, "c")], changes.Select(c => (c.Revision, c.Key)));
        Assert.Equal(("1", "2", 1L, 2L, 1_000L), (changes[1].OldValue, changes[1].NewValue, changes[1].PreviousRevision, changes[1].Version, changes[1].CreatedAt));
        Assert.Null(changes[2].NewValue);
        Assert.Equal([1L, 1], (await Store.ChangesAsync(0, 1)).Select(c => c.Revision));
        Assert.Empty(await Store.ChangesAsync(3, 10));
        Assert.Empty(await Store.ChangesAsync(2, 2));
    }

    [Fact]
    public async Task State_at_a_past_revision_is_what_was_current_then_tombstones_included()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1), Rec(1, "b", "1", 1)]);
        await Store.CommitAsync([Rec(2, "a", "2", 2, old: "1", prev: 1)]);
        await Store.CommitAsync([Rec(3, "b", null, 2, old: "1", prev: 1), Rec(3, "c", "1", 1, ns: "other")]);

        var atOne = await Store.StateAtAsync("app", 1);
        Assert.Equal([("a", "1"), ("b", "1")], atOne.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)));
        var atThree = await Store.StateAtAsync("app", 3);
        Assert.Equal([("a", "2"), ("b", null)], atThree.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)));
        Assert.Equal(3, (await Store.StateAtAsync(null, 3)).Count);
        Assert.Empty(await Store.StateAtAsync("app", 0));
    }

    [Fact]
    public async Task The_revision_at_a_time_is_the_last_one_committed_by_then()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1, at: 10_000)]);
        await Store.CommitAsync([Rec(2, "a", "2", 2, at: 20_000, prev: 1)]);
        Assert.Equal(0, await Store.RevisionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(9_999)));
        Assert.Equal(1, await Store.RevisionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(15_000)));
        Assert.Equal(2, await Store.RevisionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(20_000)));
    }

    [Fact]
    public async Task Times_are_found_in_commit_order_for_history_and_audit_over_many_commits()
    {
        // Times as the engine stamps them: never going back, often repeating, with gaps of every size.
        var random = new Random(42);
        var at = 50_000L;
        var times = new List<long>();
        for (var revision = 1; revision <= 400; revision++)
        {
            at += random.Next(4) switch { 0 => 0, 1 => 1, 2 => 7, _ => 250 };
            times.Add(at);
            await Store.CommitAsync([Rec(revision, $"k{revision % 17}", $"{revision}", (revision - 1) / 17 + 1, at: at)],
                [new AuditRecord(0, at, "tester", "setting.set", "ok", "app", $"k{revision % 17}")]);
        }
        Assert.Equal(at, (await Store.LoadAsync()).LastAt);

        var probes = times.Where((_, i) => i % 9 == 0).SelectMany(t => new[] { t - 1, t, t + 1 }).Append(0).Append(at + 1_000);
        foreach (var t in probes)
        {
            var expected = times.FindLastIndex(x => x <= t) + 1;
            Assert.Equal(expected, await Store.RevisionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(t)));
        }
        foreach (var (from, to) in new[] { (times[10], times[200]), (times[0] - 5, times[0]), (at, at + 5), (times[399] + 1, times[399] + 9), (times[57] + 1, times[300] - 1) })
        {
            var found = await Store.AuditAsync(new AuditQuery(From: from, To: to, Limit: 1_000));
            Assert.Equal(times.Where(x => x >= from && x <= to).OrderDescending(), found.Select(a => a.At));
        }
    }

    [Fact]
    public async Task A_failed_commit_stores_none_of_its_records()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1)]);
        // Every change needs an actor: the store refuses this one after it has written the first.
        var broken = Rec(2, "b", "1", 1) with { Actor = null! };

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.CommitAsync([Rec(2, "a", "2", 2, prev: 1), broken]));

        Assert.False(error.IsTransient);
        var contents = await Store.LoadAsync();
        Assert.Equal(1, contents.Revision);
        Assert.Equal("1", contents.Entries.Single().Value);
        await Store.CommitAsync([Rec(2, "a", "2", 2, prev: 1)]);
        Assert.Equal(2, (await Store.LoadAsync()).Revision);
    }

    [Fact]
    public async Task Committed_data_survives_closing_and_reopening_the_store()
    {
        await Store.CommitAsync([Rec(1, "a", "{\"deep\":[1,2]}", 1)]);
        await Store.DisposeAsync();
        var reopened = OpenStore();
        try
        {
            await reopened.MigrateAsync();
            Assert.Equal("{\"deep\":[1,2]}", (await reopened.LoadAsync()).Entries.Single().Value);
        }
        finally
        {
            await reopened.DisposeAsync();
        }
        Store = OpenStore();
    }

    [Fact]
    public async Task A_commit_transaction_reports_the_last_revision_and_a_time_not_before_any_commit()
    {
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        await Store.CommitAsync([Rec(1, "a", "1", 1, at: future)]);

        await using var tx = await Store.BeginCommitAsync();

        Assert.Equal(1, tx.Revision);
        Assert.True(tx.Time >= future, $"{tx.Time} is before the last commit's {future}");
    }

    [Fact]
    public async Task Revisions_must_follow_the_last_one_without_a_gap_or_nothing_is_written()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1)]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitAsync([Rec(3, "b", "1", 1)]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitAsync([Rec(2, "b", "1", 1), Rec(4, "c", "1", 1)]));

        Assert.Equal(1, (await Store.LoadAsync()).Revision);
        await Store.CommitAsync([Rec(2, "b", "1", 1), Rec(2, "c", "1", 1), Rec(3, "d", "1", 1)]);
        Assert.Equal(3, (await Store.LoadAsync()).Revision);
    }

    [Fact]
    public async Task A_version_that_does_not_follow_the_stored_one_is_refused_and_nothing_is_written()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1)]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitAsync([Rec(2, "b", "1", 1), Rec(2, "a", "3", 3, prev: 1)]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitAsync([Rec(2, "a", "1", 1)]));

        var contents = await Store.LoadAsync();
        Assert.Equal((1L, 1), (contents.Revision, contents.Entries.Count));
        await Store.CommitAsync([Rec(2, "a", "2", 2, prev: 1)]);
        Assert.Equal(2, (await Store.LoadAsync()).Entries.Single().Version);
    }

    [Fact]
    public async Task A_transaction_disposed_without_committing_writes_nothing_and_releases_the_lock()
    {
        await using (var tx = await Store.BeginCommitAsync())
            Assert.Equal(0, tx.Revision);

        await Store.CommitAsync([Rec(1, "a", "1", 1)]);
        Assert.Equal(1, (await Store.LoadAsync()).Revision);
    }

    [Fact]
    public async Task The_transaction_reads_the_changes_after_a_revision_oldest_first()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1)]);
        await Store.CommitAsync([Rec(2, "a", "2", 2, prev: 1), Rec(2, "b", "1", 1)]);
        await Store.CommitAsync([Rec(3, "c", "1", 1)]);

        await using var tx = await Store.BeginCommitAsync();
        var changes = await tx.ChangesAsync(1);

        Assert.Equal([(2L, "a"), (2L, "b"), (3L, "c")], changes.Select(c => (c.Revision, c.Key)));
        Assert.Empty(await tx.ChangesAsync(3));
    }

    [Fact]
    public async Task A_second_writer_waits_for_the_first_one_s_lock_and_then_builds_on_its_commit()
    {
        var other = OpenStore();
        try
        {
            var first = await Store.BeginCommitAsync();
            var second = Task.Run(() => other.BeginCommitAsync());
            // The second writer cannot get the lock while the first holds it.
            Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(300)));

            await first.CommitAsync([Rec(1, "a", "1", 1)], []);
            await first.DisposeAsync();

            await using var tx = await second.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1, tx.Revision);
            Assert.Equal("a", Assert.Single(await tx.ChangesAsync(0)).Key);
            await tx.CommitAsync([Rec(2, "a", "2", 2, prev: 1)], []);
        }
        finally
        {
            await other.DisposeAsync();
        }
        Assert.Equal(2, (await Store.LoadAsync()).Revision);
    }
}
