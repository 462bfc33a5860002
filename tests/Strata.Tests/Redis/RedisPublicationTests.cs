using System.Text;
using StackExchange.Redis;
using Strata.Redis;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Redis;

/// <summary>The bridge's one write per revision (a Lua script): atomic, and refused when Redis already holds that
/// revision or a later one, so a late publisher (a previous lease holder) can never move Redis backwards.</summary>
public sealed class RedisPublicationTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_revision_not_above_the_stored_version_changes_nothing_and_publishes_nothing()
    {
        var prefix = "p" + Guid.NewGuid().ToString("N")[..8];
        var options = new StrataRedisOptions { SnapshotKey = $"{prefix}:config", VersionKey = $"{prefix}:config:version", Channel = $"{prefix}:channel" };
        await using var listener = await RedisListener.StartAsync(redis.Configuration, options.Channel);
        var db = listener.Db;

        Assert.Null(await Publication(5, RedisPublicationRule.Above, "five").ApplyAsync(db, options));
        Assert.Equal(5, await Publication(5, RedisPublicationRule.Above, "five again").ApplyAsync(db, options));
        Assert.Equal(5, await Publication(4, RedisPublicationRule.Above, "four").ApplyAsync(db, options));
        Assert.Equal(5, await Publication(3, RedisPublicationRule.AboveOrSame, "three").ApplyAsync(db, options));
        Assert.Equal(("five", "5"), ((string?)await db.StringGetAsync(options.SnapshotKey), (string?)await db.StringGetAsync(options.VersionKey)));
        // The same revision again is allowed where the state is written again (a reconnect, a reload).
        Assert.Null(await Publication(5, RedisPublicationRule.AboveOrSame, "five rewritten").ApplyAsync(db, options));
        Assert.Null(await Publication(6, RedisPublicationRule.Above, "six").ApplyAsync(db, options));

        Assert.Equal(["message five", "message five rewritten", "message six"],
            [Encoding.UTF8.GetString(await listener.NextAsync()), Encoding.UTF8.GetString(await listener.NextAsync()), Encoding.UTF8.GetString(await listener.NextAsync())]);
        Assert.Equal(("six", "6"), ((string?)await db.StringGetAsync(options.SnapshotKey), (string?)await db.StringGetAsync(options.VersionKey)));
    }

    private static RedisPublication Publication(long revision, RedisPublicationRule rule, string state) =>
        new(revision, rule, Encoding.UTF8.GetBytes(state), [], Encoding.UTF8.GetBytes("message " + state));
}
