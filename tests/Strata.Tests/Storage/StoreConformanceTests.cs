using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>
/// What every store must do. A backend's test class inherits this and says how to open its store; the same
/// store (same file, same database schema) must come back from every call of <see cref="OpenStore"/>.
/// </summary>
public abstract class StoreConformanceTests : IAsyncLifetime
{
    private ISettingsStore? _store;

    private protected abstract ISettingsStore OpenStore();

    private protected ISettingsStore Store => _store!;

    public async Task InitializeAsync()
    {
        _store = OpenStore();
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync() => await _store!.DisposeAsync();

    /// <summary>A record as the engine writes it: <paramref name="prev"/> is the key's previous revision (0 for none).</summary>
    private static ChangeRecord Rec(long rev, string key, string? value, long version, string? old = null, string scope = "global",
        long at = 1_000, string ns = "app", long prev = 0, long? created = null) =>
        new(rev, ns, key, scope, version, old, value, "tester", at, $"r{rev}", prev, created ?? at);

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
            await Store.CommitAsync([Rec(revision, $"k{revision % 17}", $"{revision}", revision, at: at)],
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
        _store = OpenStore();
    }

    [Fact]
    public async Task Data_keys_are_saved_together_and_updated_in_place()
    {
        await Store.SaveDataKeysAsync([new DataKeyRecord("k1", "wrapped1", DataKeyRecord.Active, 10)]);
        await Store.SaveDataKeysAsync([new DataKeyRecord("k1", "wrapped1", DataKeyRecord.Retiring, 10), new DataKeyRecord("k2", "wrapped2", DataKeyRecord.Active, 20)]);

        var keys = await Store.DataKeysAsync();

        Assert.Equal([("k1", DataKeyRecord.Retiring), ("k2", DataKeyRecord.Active)], keys.Select(k => (k.Id, k.State)));
    }

    [Fact]
    public async Task Re_encryption_rewrites_current_and_history_values_of_one_key_in_batches()
    {
        await Store.CommitAsync([Rec(1, "a", "$enc:2:kold:AAAA", 1), Rec(1, "b", "$enc:2:kother:BBBB", 1)]);
        await Store.CommitAsync([Rec(2, "a", "$enc:2:kold:CCCC", 2, old: "$enc:2:kold:AAAA", prev: 1), Rec(2, "plain", "1", 1)]);
        // Records holding a value under the key: both changes of "a" (current values are the latest of them).
        Assert.Equal(2, await Store.CountEncryptedAsync("$enc:2:kold:"));

        var seen = new List<string>();
        var first = await Store.ReencryptAsync("$enc:2:kold:", (ns, key, scope, version, text) => { seen.Add($"{ns}/{key}@{scope}#{version}"); return text.Replace("kold", "knew"); }, 1);
        var rest = await Store.ReencryptAsync("$enc:2:kold:", (_, _, _, _, text) => text.Replace("kold", "knew"), 1);

        Assert.Equal((1, 1), (first, rest));
        Assert.All(seen, s => Assert.StartsWith("app/a@global#", s));
        Assert.Equal(0, await Store.ReencryptAsync("$enc:2:kold:", (_, _, _, _, t) => t, 1));
        Assert.Equal((0L, 2L, 1L), (await Store.CountEncryptedAsync("$enc:2:kold:"), await Store.CountEncryptedAsync("$enc:2:knew:"), await Store.CountEncryptedAsync("$enc:2:kother:")));
        Assert.Equal("$enc:2:knew:CCCC", (await Store.LoadAsync()).Entries.Single(e => e.Key == "a").Value);
        var history = await Store.HistoryAsync(new HistoryQuery("app", "a"));
        Assert.Equal([("$enc:2:knew:AAAA", "$enc:2:knew:CCCC"), (null, "$enc:2:knew:AAAA")], history.Select(h => (h.OldValue, h.NewValue)));
        Assert.Equal("1", (await Store.LoadAsync()).Entries.Single(e => e.Key == "plain").Value);
    }

    [Fact]
    public async Task A_rewrite_is_told_each_value_s_own_version_the_old_value_being_the_previous_one()
    {
        await Store.CommitAsync([Rec(1, "a", "$enc:2:k:V1", 1)]);
        await Store.CommitAsync([Rec(2, "a", "$enc:2:k:V2", 2, old: "$enc:2:k:V1", prev: 1)]);
        var seen = new List<(long Version, string Text)>();

        await Store.ReencryptAsync("$enc:2:k:", (_, _, _, version, text) => { seen.Add((version, text)); return text.Replace("k:", "n:"); }, 10);

        Assert.Equal([(1L, "$enc:2:k:V1"), (1L, "$enc:2:k:V1"), (2L, "$enc:2:k:V2")], seen.Order());
    }

    [Fact]
    public async Task Sealed_keys_are_the_keys_with_an_envelope_anywhere_in_their_history()
    {
        await Store.CommitAsync([Rec(1, "secret", "$enc:2:k:AAAA", 1), Rec(1, "plain", "1", 1), Rec(1, "gone", "$enc:2:k:BBBB", 1)]);
        // Reset: the current value is gone, but the history still holds the ciphertext.
        await Store.CommitAsync([Rec(2, "gone", null, 2, old: "$enc:2:k:BBBB", prev: 1)]);

        var keys = await Store.SealedKeysAsync();

        Assert.Equal([("app", "gone"), ("app", "secret")], keys.Order());
    }

    [Fact]
    public async Task A_key_s_history_is_rewritten_in_every_scope_and_only_that_key()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1), Rec(1, "a", "2", 1, scope: "user:x"), Rec(1, "b", "3", 1)]);
        await Store.CommitAsync([Rec(2, "a", "4", 2, old: "1", prev: 1)]);

        var changed = await Store.RewriteKeyHistoryAsync("app", "a", (_, _, scope, version, text) => $"\"{scope}#{version}:{text}\"");

        Assert.Equal(3, changed);
        var a = await Store.HistoryAsync(new HistoryQuery("app", "a"));
        Assert.Equal([("\"global#1:1\"", "\"global#2:4\""), (null, "\"global#1:1\""), (null, "\"user:x#1:2\"")],
            a.OrderByDescending(h => h.Revision).ThenBy(h => h.Scope).Select(h => (h.OldValue, h.NewValue)));
        Assert.Equal("3", (await Store.LoadAsync()).Entries.Single(e => e.Key == "b").Value);
    }

    /// <summary>Users and sessions: a backend keeps them beside the settings (SQLite: the same database).</summary>
    private protected virtual IAccessStore Access => Store as IAccessStore ?? throw new InvalidOperationException("The store keeps no users and sessions.");

    private static SessionRecord Session(string id, long created = 1_000, long idle = 1_000, long lifetime = 10_000, string? user = "u1", string? token = null) =>
        new(id, user, token, created, created, idle, created + lifetime, "127.0.0.1", "tests");

    [Fact]
    public async Task Users_are_saved_updated_and_deleted_with_their_sessions()
    {
        await Access.SaveUserAsync(new UserRecord("u1", "alice", "hash1", ["config.read:*"], 1_000, 1_000));
        await Access.SaveUserAsync(new UserRecord("u2", "bob", "hash2", ["admin:*", "config.write:billing"], 2_000, 2_000));
        await Access.SaveUserAsync(new UserRecord("u1", "alice", "hash3", ["config.read:billing"], 1_000, 3_000));
        await Access.SaveSessionsAsync([Session("s1", user: "u1"), Session("s2", user: "u2")]);

        var users = await Access.UsersAsync();
        Assert.Equal(["alice", "bob"], users.Select(u => u.Name));
        Assert.Equal(("hash3", 3_000L), (users[0].PasswordHash, users[0].UpdatedAt));
        Assert.Equal(["config.read:billing"], users[0].Grants);
        Assert.Equal(["admin:*", "config.write:billing"], users[1].Grants);

        Assert.True(await Access.DeleteUserAsync("u1"));
        Assert.False(await Access.DeleteUserAsync("u1"));
        Assert.Equal(["bob"], (await Access.UsersAsync()).Select(u => u.Name));
        Assert.Equal(["s2"], (await Access.SessionsAsync(1_500)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_user_name_is_unique_without_regard_to_case()
    {
        await Access.SaveUserAsync(new UserRecord("u1", "alice", "h", ["config.read:*"], 1_000, 1_000));
        await Assert.ThrowsAnyAsync<Exception>(() => Access.SaveUserAsync(new UserRecord("u2", "ALICE", "h", ["config.read:*"], 1_000, 1_000)));
        Assert.Single(await Access.UsersAsync());
    }

    [Fact]
    public async Task Only_sessions_that_have_not_ended_load_and_last_seen_only_moves_forward()
    {
        await Access.SaveSessionsAsync([Session("idle", idle: 500), Session("old", lifetime: 800, idle: 5_000), Session("live"), Session("revoked") with { RevokedAt = 1_200 }]);
        await Access.SaveSessionsAsync([Session("live") with { LastSeenAt = 1_900 }]);
        await Access.SaveSessionsAsync([Session("live") with { LastSeenAt = 1_100, RevokedAt = null }]);

        var active = await Access.SessionsAsync(1_950);

        Assert.Equal(["live"], active.Select(s => s.Id));
        Assert.Equal((1_900L, "u1", "127.0.0.1", "tests"), (active[0].LastSeenAt, active[0].UserId, active[0].Client, active[0].UserAgent));
        // A second revocation keeps the first time.
        await Access.SaveSessionsAsync([Session("live") with { RevokedAt = 2_000 }]);
        await Access.SaveSessionsAsync([Session("live") with { RevokedAt = 3_000 }]);
        Assert.Empty(await Access.SessionsAsync(1_950));
        Assert.Equal(4, await Access.DeleteSessionsEndedBeforeAsync(2_500));
    }

    [Fact]
    public async Task Sessions_that_ended_long_ago_are_deleted_and_active_ones_kept()
    {
        await Access.SaveSessionsAsync([Session("ended", idle: 100), Session("live", idle: 100_000, lifetime: 100_000), Session("token", user: null, token: "t1", idle: 100_000, lifetime: 100_000)]);

        Assert.Equal(1, await Access.DeleteSessionsEndedBeforeAsync(5_000));

        var left = await Access.SessionsAsync(5_000);
        Assert.Equal(["live", "token"], left.Select(s => s.Id).Order());
        Assert.Equal("t1", left.Single(s => s.Id == "token").TokenId);
    }
}
