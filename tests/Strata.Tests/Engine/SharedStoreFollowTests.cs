using System.Collections;
using Strata.Engine;
using Strata.Registry;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Engine;

/// <summary>
/// Two engines on one store, as several instances share PostgreSQL: each commit is decided under the store's lock
/// against the latest state, and each engine follows the other's commits into its snapshot and its feed, in order.
/// SQLite serves here (two writers on one file take turns on its lock); the PostgreSQL suites run the same engine.
/// </summary>
public sealed class SharedStoreFollowTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Hashtable _environment = new() { [MasterKey.Variable] = MasterKey.Generate() };

    public void Dispose() => _dir.Dispose();

    private static void Definitions(StrataOptions o) => o
        .Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true })
        .Define(new SettingDefinition { Namespace = "app", Key = "limit", Type = SettingType.Int });

    private Task<EngineHarness> StartAsync() => EngineHarness.StartAsync(Definitions, _environment, _dir);

    [Fact]
    public async Task An_engine_follows_the_other_s_commits_into_its_snapshot_and_publishes_each_revision_in_order()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        var (feed, after) = b.Engine.Feed.Subscribe();
        Assert.Equal(0, after);

        await a.SetAsync("app", "limit", 1);
        await a.SetAsync("app", "other", "x");
        await a.SetAsync("app", "limit", 3);
        await b.Engine.FollowAsync();

        Assert.Equal(3, b.Engine.Current.Revision);
        Assert.Equal(3, b.Engine.Get("app", "limit")!.Value.GetInt32());
        Assert.Equal(2, b.Engine.Get("app", "limit")!.Stored!.Version);
        foreach (var revision in new long[] { 1, 2, 3 })
        {
            var e = await FeedEvents.NextChangeAsync(feed);
            Assert.Equal((ChangeEvent.Updated, revision), (e.Event, e.Revision));
        }
        b.Engine.Feed.Unsubscribe(feed);
    }

    [Fact]
    public async Task A_stale_engine_takes_in_the_other_s_commits_before_checking_its_own_versions()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        await a.SetAsync("app", "limit", 1);

        // b has not followed: by its snapshot the key is unset, but the store says version 1.
        var conflict = await Assert.ThrowsAsync<VersionConflictException>(() => b.SetAsync("app", "limit", 2, ifVersion: 0));
        Assert.Equal(1, conflict.CurrentVersion);

        var result = await b.SetAsync("app", "limit", 2, ifVersion: 1);
        Assert.Equal(2, result.Revision);
        Assert.Equal(2, result.Applied.Single().Version);
        await a.Engine.FollowAsync();
        Assert.Equal(2, a.Engine.Get("app", "limit")!.Value.GetInt32());
    }

    [Fact]
    public async Task Two_engines_racing_on_one_version_give_exactly_one_success()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        await a.SetAsync("app", "limit", 1);
        await b.Engine.FollowAsync();

        for (var round = 1; round <= 20; round++)
        {
            var version = a.Engine.Get("app", "limit")!.Stored!.Version;
            var outcomes = await Task.WhenAll(
                Outcome(a.SetAsync("app", "limit", round * 10, ifVersion: version)),
                Outcome(b.SetAsync("app", "limit", round * 10 + 1, ifVersion: version)));
            Assert.Equal(1, outcomes.Count(ok => ok));
            await a.Engine.FollowAsync();
            await b.Engine.FollowAsync();
            Assert.Equal(a.Engine.Current.Revision, b.Engine.Current.Revision);
            Assert.Equal(version + 1, b.Engine.Get("app", "limit")!.Stored!.Version);
        }
    }

    [Fact]
    public async Task A_secret_sealed_with_a_key_rotated_in_on_the_other_engine_is_followed_in_clear()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        await a.Engine.Secrets.RotateAsync();
        await a.SetAsync("billing", "api_key", "sk-new-key");

        await b.Engine.FollowAsync();

        var followed = b.Engine.Get("billing", "api_key")!;
        Assert.Equal("sk-new-key", followed.Value.GetString());
        Assert.Equal(a.Engine.Secrets.ActiveKeyId, b.Engine.Secrets.ActiveKeyId);
    }

    private static async Task<bool> Outcome(Task<CommitResult> commit)
    {
        try
        {
            await commit;
            return true;
        }
        catch (VersionConflictException)
        {
            return false;
        }
    }
}
