using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>Signed-in sessions and the session cookie's data-protection keys. Every backend runs it (see <see cref="StoreContract{TBackend}"/>).</summary>
public abstract class SessionStoreConformance<TBackend> : StoreContract<TBackend> where TBackend : StoreBackend, new()
{
    private static SessionRecord Session(string id, long created = 1_000, long idle = 1_000, long lifetime = 10_000, string? user = "u1", string? token = null) =>
        new(id, user, token, created, created, idle, created + lifetime, "127.0.0.1", "tests");

    [Fact]
    public async Task Only_sessions_that_have_not_ended_load_and_last_seen_only_moves_forward()
    {
        await Store.SaveSessionsAsync([Session("idle", idle: 500), Session("old", lifetime: 800, idle: 5_000), Session("live"), Session("revoked") with { RevokedAt = 1_200 }]);
        await Store.SaveSessionsAsync([Session("live") with { LastSeenAt = 1_900 }]);
        await Store.SaveSessionsAsync([Session("live") with { LastSeenAt = 1_100, RevokedAt = null }]);

        var active = await Store.SessionsAsync(1_950);

        Assert.Equal(["live"], active.Select(s => s.Id));
        Assert.Equal((1_900L, "u1", "127.0.0.1", "tests"), (active[0].LastSeenAt, active[0].UserId, active[0].Client, active[0].UserAgent));
        // A second revocation keeps the first time.
        await Store.SaveSessionsAsync([Session("live") with { RevokedAt = 2_000 }]);
        await Store.SaveSessionsAsync([Session("live") with { RevokedAt = 3_000 }]);
        Assert.Empty(await Store.SessionsAsync(1_950));
        Assert.Equal(4, await Store.DeleteSessionsEndedBeforeAsync(2_500));
    }

    [Fact]
    public async Task Sessions_that_ended_long_ago_are_deleted_and_active_ones_kept()
    {
        await Store.SaveSessionsAsync([Session("ended", idle: 100), Session("live", idle: 100_000, lifetime: 100_000), Session("token", user: null, token: "t1", idle: 100_000, lifetime: 100_000)]);

        Assert.Equal(1, await Store.DeleteSessionsEndedBeforeAsync(5_000));

        var left = await Store.SessionsAsync(5_000);
        Assert.Equal(["live", "token"], left.Select(s => s.Id).Order());
        Assert.Equal("t1", left.Single(s => s.Id == "token").TokenId);
    }

    [Fact]
    public async Task A_session_is_found_by_id_ended_or_not()
    {
        var session = new SessionRecord("s1", "u1", null, 1_000, 1_000, 500, 10_000, "127.0.0.1", "agent", RevokedAt: 1_200);
        await Store.SaveSessionsAsync([session]);

        Assert.Equal(session, await Store.SessionAsync("s1"));
        Assert.Null(await Store.SessionAsync("s2"));
    }

    [Fact]
    public async Task Session_keys_load_back_oldest_first_and_a_name_added_again_keeps_the_first()
    {
        await Store.AddSessionKeyAsync("key-b", "<key id=\"b\"/>", 2_000);
        await Store.AddSessionKeyAsync("key-a", "<key id=\"a\"/>", 1_000);
        await Store.AddSessionKeyAsync("key-a", "<key id=\"other\"/>", 3_000);

        Assert.Equal(["<key id=\"a\"/>", "<key id=\"b\"/>"], await Store.SessionKeysAsync());
    }
}
