using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>The web UI's users. Every backend runs it (see <see cref="StoreContract{TBackend}"/>).</summary>
public abstract class UserStoreConformance<TBackend> : StoreContract<TBackend> where TBackend : StoreBackend, new()
{
    private static SessionRecord Session(string id, long created = 1_000, long idle = 1_000, long lifetime = 10_000, string? user = "u1", string? token = null) =>
        new(id, user, token, created, created, idle, created + lifetime, "127.0.0.1", "tests");

    [Fact]
    public async Task Users_are_saved_updated_and_deleted_with_their_sessions()
    {
        await Store.SaveUserAsync(new UserRecord("u1", "alice", "hash1", ["config.read:*"], 1_000, 1_000));
        await Store.SaveUserAsync(new UserRecord("u2", "bob", "hash2", ["admin:*", "config.write:billing"], 2_000, 2_000));
        await Store.SaveUserAsync(new UserRecord("u1", "alice", "hash3", ["config.read:billing"], 1_000, 3_000));
        await Store.SaveSessionsAsync([Session("s1", user: "u1"), Session("s2", user: "u2")]);

        var users = await Store.UsersAsync();
        Assert.Equal(["alice", "bob"], users.Select(u => u.Name));
        Assert.Equal(("hash3", 3_000L), (users[0].PasswordHash, users[0].UpdatedAt));
        Assert.Equal(["config.read:billing"], users[0].Grants);
        Assert.Equal(["admin:*", "config.write:billing"], users[1].Grants);

        Assert.True(await Store.DeleteUserAsync("u1"));
        Assert.False(await Store.DeleteUserAsync("u1"));
        Assert.Equal(["bob"], (await Store.UsersAsync()).Select(u => u.Name));
        Assert.Equal(["s2"], (await Store.SessionsAsync(1_500)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_user_name_is_unique_without_regard_to_case()
    {
        await Store.SaveUserAsync(new UserRecord("u1", "alice", "h", ["config.read:*"], 1_000, 1_000));
        await Assert.ThrowsAnyAsync<Exception>(() => Store.SaveUserAsync(new UserRecord("u2", "ALICE", "h", ["config.read:*"], 1_000, 1_000)));
        Assert.Single(await Store.UsersAsync());
    }
}
