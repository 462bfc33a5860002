using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cluster;

/// <summary>Three instances on one PostgreSQL schema: tokens, users, sessions and data keys changed on one, in effect on all.</summary>
[Collection(ThreeInstancesCollection.Name)]
public sealed class ClusterAccessTests(ThreeInstances instances)
{
    private const string Password = "correct horse battery";
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly ClusterInstances _cluster = instances.Cluster;

    private HttpClient[] Admins => [.. _cluster.Admins];

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_token_created_on_one_instance_works_on_the_others_and_once_revoked_there_is_refused_by_them_within_a_second()
    {
        var (a, b, c) = (Admins[0], Admins[1], Admins[2]);
        using var createdResponse = await a.PostAsJsonAsync("api/v1/tokens", new { name = "reader", grants = new[] { "config.read:*" } });
        Assert.Equal(HttpStatusCode.Created, createdResponse.StatusCode);
        var created = await createdResponse.ReadJsonAsync();
        var secret = created.GetProperty("token").GetString()!;
        using var onB = _cluster.Servers[1].CreateClient(secret);
        using var onC = _cluster.Servers[2].CreateClient(secret);

        Assert.True(await Eventually.WithinAsync(Second, async () =>
            await StatusAsync(onB, "api/v1/settings") == HttpStatusCode.OK && await StatusAsync(onC, "api/v1/settings") == HttpStatusCode.OK),
            "the new token did not authenticate on the other instances within a second");
        await using var stream = await Watching.LiveAsync(onC, "prop");

        using (var revoked = await a.DeleteAsync($"api/v1/tokens/{created.GetProperty("id").GetString()}"))
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        Assert.True(await Eventually.WithinAsync(Second, async () =>
            await StatusAsync(onB, "api/v1/settings") == HttpStatusCode.Unauthorized && await StatusAsync(onC, "api/v1/settings") == HttpStatusCode.Unauthorized),
            "the revoked token was still accepted by another instance a second later");
        var closing = JsonDocument.Parse((await stream.NextAsync("closing", 5)).Data).RootElement;
        Assert.Equal("token", closing.GetProperty("reason").GetString());
        Assert.True(await stream.EndsAsync(5), "the revoked token's stream on another instance did not end");
    }

    [Fact]
    public async Task A_user_created_on_one_instance_signs_in_on_another_and_the_session_works_on_all_until_revoked_on_one()
    {
        var (a, b) = (Admins[0], Admins[1]);
        using (var created = await a.PostAsJsonAsync("api/v1/users", new { name = "carol", password = Password, grants = new[] { "config.read:*" } }))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(await Eventually.WithinAsync(Second, async () =>
            (await b.GetFromJsonAsync<JsonElement>("api/v1/users")).GetProperty("users").EnumerateArray().Any(u => u.GetProperty("name").GetString() == "carol")),
            "the new user was not on another instance within a second");

        using var anonymous = _cluster.Servers[1].CreateClient();
        using var signedIn = await anonymous.PostAsJsonAsync("api/v1/sessions", new { user = "carol", password = Password });
        Assert.Equal(HttpStatusCode.Created, signedIn.StatusCode);
        var session = (await signedIn.ReadJsonAsync()).GetProperty("session").GetString()!;
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("strata_session=", StringComparison.Ordinal)).Split(';')[0];
        var withCookie = _cluster.Servers.Select(s =>
        {
            var client = s.CreateClient();
            client.DefaultRequestHeaders.Add("Cookie", cookie);
            return client;
        }).ToArray();
        try
        {
            // The cookie opens the session on an instance that did not issue it; the first never sees it used.
            foreach (var client in withCookie[1..]) Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "api/v1/settings"));
            await using var stream = await Watching.LiveAsync(withCookie[2], "prop");
            // The user's grants narrowed on the first instance narrow the session on the others.
            Assert.NotEqual(HttpStatusCode.Forbidden, await StatusAsync(withCookie[2], "api/v1/settings/elsewhere"));
            using (var narrowed = await a.PutAsJsonAsync("api/v1/users/carol/grants", new { grants = new[] { "config.read:prop" } }))
                Assert.Equal(HttpStatusCode.OK, narrowed.StatusCode);
            Assert.True(await Eventually.WithinAsync(Second, async () =>
                await StatusAsync(withCookie[1], "api/v1/settings/elsewhere") == HttpStatusCode.Forbidden
                && await StatusAsync(withCookie[2], "api/v1/settings/elsewhere") == HttpStatusCode.Forbidden),
                "the narrowed grants were not in effect on the other instances within a second");
            // An admin on the first instance still sees the session opened on the second, and ends it there.
            Assert.True(await Eventually.WithinAsync(Second, async () =>
                (await a.GetFromJsonAsync<JsonElement>("api/v1/sessions")).GetProperty("sessions").EnumerateArray().Any(s => s.GetProperty("id").GetString() == session)),
                "the session opened on another instance was not listed within a second");
            using (var revoked = await a.DeleteAsync($"api/v1/sessions/{session}"))
                Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

            Assert.True(await Eventually.WithinAsync(Second, async () =>
            {
                foreach (var client in withCookie)
                    if (await StatusAsync(client, "api/v1/settings") != HttpStatusCode.Unauthorized) return false;
                return true;
            }), "the revoked session still worked on an instance a second later");
            var closing = JsonDocument.Parse((await stream.NextAsync("closing", 5)).Data).RootElement;
            Assert.Equal("session", closing.GetProperty("reason").GetString());
            Assert.True(await stream.EndsAsync(5), "the revoked session's stream on another instance did not end");
        }
        finally
        {
            foreach (var client in withCookie) client.Dispose();
        }
    }

    [Fact]
    public async Task After_a_key_rotation_on_one_instance_every_instance_reads_every_secret_written_before_during_and_after_it()
    {
        var (a, b) = (Admins[0], Admins[1]);
        var watchers = await Task.WhenAll(Admins.Select(x => Watching.LiveAsync(x, "vault")));
        using (var before = await a.PutAsJsonAsync("api/v1/settings/vault/before", new { value = "written-before" }))
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);

        using (var rotate = await a.PostAsync("api/v1/keys/rotate", null))
            Assert.Equal(HttpStatusCode.Accepted, rotate.StatusCode);
        long last;
        using (var after = await a.PutAsJsonAsync("api/v1/settings/vault/after", new { value = "written-after" }))
        {
            Assert.Equal(HttpStatusCode.Created, after.StatusCode);
            last = Watching.Revision(after);
        }
        // Another instance writing while the first rotates: it may still seal with the old key.
        using (var during = await b.PutAsJsonAsync("api/v1/settings/vault/during", new { value = "written-during" }))
        {
            Assert.Equal(HttpStatusCode.Created, during.StatusCode);
            last = Math.Max(last, Watching.Revision(during));
        }

        async Task EveryInstanceRevealsEverySecret()
        {
            foreach (var (admin, watcher) in Admins.Zip(watchers))
            {
                foreach (var key in new[] { "before", "after", "during" })
                {
                    var read = await admin.GetFromJsonAsync<JsonElement>($"api/v1/settings/vault/{key}?reveal=true");
                    Assert.Equal($"written-{key}", read.GetProperty("value").GetString());
                }
            }
        }
        foreach (var watcher in watchers) await Watching.ChangesThroughAsync(watcher, last);
        await EveryInstanceRevealsEverySecret();

        await _cluster.Servers[0].Engine.Secrets.Rotation.WaitAsync(TimeSpan.FromSeconds(30));
        var keys = await a.GetFromJsonAsync<JsonElement>("api/v1/keys");
        Assert.Single(keys.GetProperty("keys").EnumerateArray(), k => k.GetProperty("state").GetString() == "retired");
        // What each instance does when it hears of the retirement, done now rather than waited for: the old key is gone.
        foreach (var server in _cluster.Servers) await server.Engine.Secrets.ReloadKeysAsync();
        await EveryInstanceRevealsEverySecret();
        foreach (var admin in Admins)
        {
            // The history, read from the store and re-encrypted there, opens on every instance with the keys it has.
            var history = await Watching.HistoryAsync(admin, "vault");
            Assert.Equal(3, history.Count);
            Assert.All(history, r => Assert.False(r.TryGetProperty("unreadable", out _), r.ToString()));
        }
        foreach (var watcher in watchers) await watcher.DisposeAsync();
    }
}
