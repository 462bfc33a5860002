using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Access;

/// <summary>Users, sign-in and database-backed sessions against the real server over a real SQLite file.</summary>
public sealed class SignInTests : IDisposable
{
    private const string AdminToken = "sign-in-admin-token-0123456789abcdefgh";
    private const string Password = "correct horse battery";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<TestServer> StartAsync(Action<StrataOptions>? configure = null, string[]? anonymousGrants = null) => TestServer.StartAsync(o =>
    {
        o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
        configure?.Invoke(o);
    }, dir: _dir, anonymousGrants: anonymousGrants ?? []);

    private static async Task CreateUserAsync(HttpClient admin, string name, params string[] grants)
    {
        using var created = await admin.PostAsync("api/v1/users", JsonContent.Create(new { name, password = Password, grants }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient http, string user, string password) =>
        http.PostAsync("api/v1/sessions", JsonContent.Create(new { user, password }));

    /// <summary>The cookie a sign-in set, as a browser would send it back.</summary>
    private static string Cookie(HttpResponseMessage signedIn) =>
        signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("strata_session=", StringComparison.Ordinal)).Split(';')[0];

    /// <summary>A client that sends only this cookie (no token), its answers checked against the document.</summary>
    private static HttpClient WithCookie(TestServer server, string cookie)
    {
        var http = server.CreateClient();
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }

    private static async Task<string> SignedInCookieAsync(TestServer server, string user = "alice", string password = Password)
    {
        using var http = server.CreateUncheckedClient();
        using var signedIn = await SignInAsync(http, user, password);
        Assert.Equal(HttpStatusCode.Created, signedIn.StatusCode);
        return Cookie(signedIn);
    }

    private static async Task<JsonElement> AuditAsync(HttpClient admin, string action) =>
        (await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?action={action}")).GetProperty("audit");

    [Fact]
    public async Task A_password_sign_in_sets_an_http_only_strict_cookie_that_reads_with_the_user_s_grants_and_no_more()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
        await admin.PutAsJsonAsync("api/v1/settings/payroll/rate", new { value = 9 });
        await CreateUserAsync(admin, "alice", "config.read:billing");

        using var anonymous = server.CreateClient();
        using var signedIn = await SignInAsync(anonymous, "Alice", Password);

        Assert.Equal(HttpStatusCode.Created, signedIn.StatusCode);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("strata_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);
        Assert.DoesNotContain("secure", setCookie);
        var body = await signedIn.ReadJsonAsync();
        Assert.Equal("alice", body.GetProperty("name").GetString());
        Assert.Equal(["config.read:billing"], body.GetProperty("grants").EnumerateArray().Select(g => g.GetString()));
        using var alice = WithCookie(server, Cookie(signedIn));
        Assert.Equal(7, (await alice.GetFromJsonAsync<JsonElement>("api/v1/settings/billing/rate")).GetProperty("value").GetInt32());
        var other = await (await alice.GetAsync("api/v1/settings/payroll/rate")).AssertProblemAsync(403);
        Assert.Equal("User 'alice' does not have config.read on 'payroll'.", other.GetProperty("detail").GetString());
        await (await alice.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 8 })).AssertProblemAsync(403);
        await (await alice.GetAsync("api/v1/users")).AssertProblemAsync(403);
        var signIns = await AuditAsync(admin, "session.signin");
        Assert.Equal(("alice", "ok"), (signIns[0].GetProperty("actor").GetString(), signIns[0].GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task A_wrong_password_is_401_and_audited_without_the_password()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await CreateUserAsync(admin, "alice", "config.read:*");

        using var wrong = await SignInAsync(server.CreateClient(), "alice", "not-the-password-at-all");
        using var unknown = await SignInAsync(server.CreateClient(), "nobody", "not-the-password-either");

        await wrong.AssertProblemAsync(401);
        await unknown.AssertProblemAsync(401);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        var failures = await AuditAsync(admin, "session.signin");
        Assert.Equal(2, failures.GetArrayLength());
        Assert.All(failures.EnumerateArray(), f => Assert.Equal("failed", f.GetProperty("outcome").GetString()));
        var text = failures.ToString();
        Assert.Contains("alice", text);
        Assert.DoesNotContain("not-the-password", text);
    }

    [Fact]
    public async Task Failed_sign_ins_past_the_limit_get_429_with_retry_after_even_with_the_right_password()
    {
        await using var server = await StartAsync(o => o.Ui.MaxFailedSignIns = 3);
        using var admin = server.CreateClient(AdminToken);
        await CreateUserAsync(admin, "alice", "config.read:*");
        using var http = server.CreateClient();

        for (var i = 0; i < 3; i++) await (await SignInAsync(http, "alice", "wrong-password-" + i)).AssertProblemAsync(401);
        using var limited = await SignInAsync(http, "alice", Password);

        await limited.AssertProblemAsync(429);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 15 * 60);
        Assert.False(limited.Headers.Contains("Set-Cookie"));
        // Another user name from the same address is not held back by alice's count.
        await CreateUserAsync(admin, "bob", "config.read:*");
        Assert.Equal(HttpStatusCode.Created, (await SignInAsync(http, "bob", Password)).StatusCode);
    }

    [Fact]
    public async Task A_token_sign_in_carries_the_token_s_grants_and_ends_when_the_token_is_revoked()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
        var token = await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "reader", grants = new[] { "config.read:billing" } }))).ReadJsonAsync();

        using var signedIn = await server.CreateClient().PostAsync("api/v1/sessions", JsonContent.Create(new { token = token.GetProperty("token").GetString() }));
        Assert.Equal(HttpStatusCode.Created, signedIn.StatusCode);
        using var session = WithCookie(server, Cookie(signedIn));
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("api/v1/settings/billing/rate")).StatusCode);
        await (await session.GetAsync("api/v1/settings/payroll/rate")).AssertProblemAsync(403);

        await admin.DeleteAsync($"api/v1/tokens/{token.GetProperty("id").GetString()}");

        await (await session.GetAsync("api/v1/settings/billing/rate")).AssertProblemAsync(401);
        await (await server.CreateClient().PostAsync("api/v1/sessions", JsonContent.Create(new { token = "strata_made-up" }))).AssertProblemAsync(401);
    }

    [Fact]
    public async Task A_session_survives_a_server_restart()
    {
        string cookie;
        await using (var server = await StartAsync())
        {
            using var admin = server.CreateClient(AdminToken);
            await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
            await CreateUserAsync(admin, "alice", "config.read:billing");
            cookie = await SignedInCookieAsync(server);
        }

        await using var restarted = await StartAsync();
        using var alice = WithCookie(restarted, cookie);
        Assert.Equal(7, (await alice.GetFromJsonAsync<JsonElement>("api/v1/settings/billing/rate")).GetProperty("value").GetInt32());
        // The cookie's keys are in the database, where every instance on a shared store reads them, not in the data folder.
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "session-keys")));
        var key = Assert.Single(await restarted.Services.GetRequiredService<Strata.Storage.ISessionStore>().SessionKeysAsync());
        Assert.Contains("<key id=", key);
    }

    [Fact]
    public async Task Session_keys_an_older_version_kept_in_the_data_folder_are_moved_into_the_store()
    {
        var folder = Path.Combine(_dir.Path, "session-keys");
        Directory.CreateDirectory(folder);
        // What the previous release did: the framework's file repository under the session's application name.
        var old = DataProtectionProvider.Create(new DirectoryInfo(folder), b => b.SetApplicationName("Strata.Session"));
        old.CreateProtector("probe").Protect("x");
        var keyId = System.Xml.Linq.XElement.Load(Directory.GetFiles(folder, "*.xml").Single()).Attribute("id")!.Value;

        await using var server = await StartAsync();

        Assert.False(Directory.Exists(folder));
        var keys = await server.Services.GetRequiredService<Strata.Storage.ISessionStore>().SessionKeysAsync();
        Assert.Contains(keys, k => System.Xml.Linq.XElement.Parse(k).Attribute("id")!.Value == keyId);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_the_old_cookie_no_longer_works()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
        await CreateUserAsync(admin, "alice", "config.read:billing");
        var cookie = await SignedInCookieAsync(server);
        using var alice = WithCookie(server, cookie);

        using var signedOut = await alice.DeleteAsync("api/v1/sessions/current");

        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Contains(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("strata_session=;", StringComparison.Ordinal));
        await (await alice.GetAsync("api/v1/settings/billing/rate")).AssertProblemAsync(401);
        await (await alice.DeleteAsync("api/v1/sessions/current")).AssertProblemAsync(404);
        Assert.Equal("ok", (await AuditAsync(admin, "session.signout"))[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task An_admin_lists_and_revokes_a_session_and_its_cookie_stops_working()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
        await CreateUserAsync(admin, "alice", "config.read:billing");
        using var alice = WithCookie(server, await SignedInCookieAsync(server));
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("api/v1/settings/billing/rate")).StatusCode);

        var session = (await admin.GetFromJsonAsync<JsonElement>("api/v1/sessions")).GetProperty("sessions").EnumerateArray().Single();
        Assert.Equal("alice", session.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/v1/sessions/{session.GetProperty("id").GetString()}")).StatusCode);

        await (await alice.GetAsync("api/v1/settings/billing/rate")).AssertProblemAsync(401);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("api/v1/sessions")).GetProperty("sessions").EnumerateArray());
        await (await admin.DeleteAsync($"api/v1/sessions/{session.GetProperty("id").GetString()}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Changed_grants_and_a_removed_user_apply_at_the_next_request()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
        await admin.PutAsJsonAsync("api/v1/settings/payroll/rate", new { value = 9 });
        await CreateUserAsync(admin, "alice", "config.read:billing");
        using var alice = WithCookie(server, await SignedInCookieAsync(server));
        await (await alice.GetAsync("api/v1/settings/payroll/rate")).AssertProblemAsync(403);

        using var granted = await admin.PutAsJsonAsync("api/v1/users/alice/grants", new { grants = new[] { "config.read:payroll" } });
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("api/v1/settings/payroll/rate")).StatusCode);
        await (await alice.GetAsync("api/v1/settings/billing/rate")).AssertProblemAsync(403);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("api/v1/users/alice")).StatusCode);
        await (await alice.GetAsync("api/v1/settings/payroll/rate")).AssertProblemAsync(401);
        await (await SignInAsync(server.CreateClient(), "alice", Password)).AssertProblemAsync(401);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("api/v1/users")).GetProperty("users").EnumerateArray());
    }

    [Fact]
    public async Task A_new_password_replaces_the_old_one()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await CreateUserAsync(admin, "alice", "config.read:*");

        using var changed = await admin.PutAsJsonAsync("api/v1/users/alice/password", new { password = "a whole new password" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await (await SignInAsync(server.CreateClient(), "alice", Password)).AssertProblemAsync(401);
        Assert.Equal(HttpStatusCode.Created, (await SignInAsync(server.CreateClient(), "alice", "a whole new password")).StatusCode);
        await (await admin.PutAsJsonAsync("api/v1/users/nobody/password", new { password = "a whole new password" })).AssertProblemAsync(404);
        await (await admin.PutAsJsonAsync("api/v1/users/alice/password", new { password = "short" })).AssertProblemAsync(400);
        await (await admin.PostAsync("api/v1/users", JsonContent.Create(new { name = "ALICE", password = Password, grants = new[] { "config.read:*" } }))).AssertProblemAsync(409);
    }

    [Fact]
    public async Task The_watch_stream_takes_the_session_cookie_and_ends_when_the_session_is_revoked()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await CreateUserAsync(admin, "alice", "config.read:billing");
        using var alice = WithCookie(server, await SignedInCookieAsync(server));

        await using var watch = await SseStream.OpenAsync(alice, "api/v1/watch?ns=billing");
        Assert.Equal(HttpStatusCode.OK, watch.Status);
        await watch.NextAsync("heartbeat");
        var session = (await admin.GetFromJsonAsync<JsonElement>("api/v1/sessions")).GetProperty("sessions")[0].GetProperty("id").GetString();
        await admin.DeleteAsync($"api/v1/sessions/{session}");

        Assert.Contains("\"reason\":\"session\"", (await watch.NextAsync("closing", timeoutSeconds: 10)).Data);
    }

    [Fact]
    public async Task A_bearer_token_decides_alone_when_a_request_also_carries_a_session_cookie()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
        await CreateUserAsync(admin, "alice", "config.read:billing");
        var cookie = await SignedInCookieAsync(server);

        using var both = WithCookie(server, cookie);
        both.DefaultRequestHeaders.Authorization = new("Bearer", "strata_not-a-real-token");

        var refused = await (await both.GetAsync("api/v1/settings/billing/rate")).AssertProblemAsync(401);
        Assert.Equal("The token is not valid.", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_signed_in_user_and_the_anonymous_caller_each_get_their_own_config_watch_messages()
    {
        await using var server = await StartAsync(anonymousGrants: ["config.read:public"]);
        using var admin = server.CreateClient(AdminToken);
        await CreateUserAsync(admin, "alice", "config.read:billing");
        using var alice = WithCookie(server, await SignedInCookieAsync(server));
        await using var aliceWatch = await SseStream.OpenAsync(alice, "config/_watch");
        await using var anonymousWatch = await SseStream.OpenAsync(server.CreateClient(), "config/_watch");
        await aliceWatch.NextAsync("heartbeat");
        await anonymousWatch.NextAsync("heartbeat");

        await admin.PatchAsync("api/v1/settings", Json.Content("""{"changes":[{"namespace":"billing","key":"rate","value":1},{"namespace":"public","key":"rate","value":2}]}"""));

        static async Task<string[]> ChangedAsync(SseStream watch) =>
            [.. JsonDocument.Parse((await watch.NextAsync("updated")).Data).RootElement.GetProperty("changed").EnumerateArray().Select(c => c.GetString()!)];
        Assert.Equal(["billing/rate"], await ChangedAsync(aliceWatch));
        Assert.Equal(["public/rate"], await ChangedAsync(anonymousWatch));
    }
}
