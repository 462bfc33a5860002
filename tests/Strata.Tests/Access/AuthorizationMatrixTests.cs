using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Access;

/// <summary>Every endpoint × every kind of caller: the exact status, and denied calls change nothing.</summary>
public sealed class AuthorizationMatrixTests
{
    private const string AdminToken = "matrix-admin-token-0123456789abcdef";

    private enum Kind { Read, Reveal, Write, List, Admin }

    private sealed record Call(Kind Kind, string Method, string Path, string? Body, int Success);

    /// <summary>In an order where, for a caller allowed everything, each call succeeds with its status.</summary>
    private static readonly Call[] Calls =
    [
        new(Kind.Read, "GET", "api/v1/settings/billing", null, 200),
        new(Kind.Read, "GET", "api/v1/settings/billing/limit", null, 200),
        new(Kind.Read, "GET", "api/v1/settings/billing/limit/history", null, 200),
        new(Kind.Read, "GET", "api/v1/settings/billing/_history", null, 200),
        new(Kind.Read, "GET", "api/v1/settings/billing/_diff?from=0", null, 200),
        new(Kind.Read, "GET", "api/v1/settings/_schema/billing", null, 200),
        new(Kind.Read, "GET", "config/billing", null, 200),
        new(Kind.Read, "GET", "config/billing/limit", null, 200),
        new(Kind.Reveal, "GET", "api/v1/settings/billing/limit?reveal=true", null, 200),
        new(Kind.Reveal, "GET", "api/v1/settings/billing?reveal=true", null, 200),
        new(Kind.Reveal, "GET", "api/v1/export?secrets=true&namespace=billing", null, 200),
        new(Kind.List, "GET", "api/v1/settings", null, 200),
        new(Kind.List, "GET", "api/v1/settings/_schema", null, 200),
        new(Kind.List, "GET", "api/v1/revision", null, 200),
        new(Kind.List, "GET", "config", null, 200),
        new(Kind.List, "GET", "api/v1/export", null, 200),
        new(Kind.Write, "PUT", "api/v1/settings/billing/limit", """{"value": 2}""", 200),
        new(Kind.Write, "PATCH", "api/v1/settings", """{"changes": [{"namespace": "billing", "key": "limit", "value": 3}]}""", 200),
        new(Kind.Write, "POST", "api/v1/settings/billing/limit/rollback", """{"version": 1}""", 200),
        new(Kind.Write, "POST", "api/v1/settings/billing/_rollback", """{"revision": 1}""", 200),
        new(Kind.Write, "POST", "api/v1/import", """{"settings": {"billing": {"global": {"limit": 4}}}}""", 200),
        new(Kind.Write, "PUT", "config/billing/limit", "5", 200),
        new(Kind.Write, "POST", "config/patch", """{"updates": {"billing/limit": 6}}""", 200),
        new(Kind.Write, "DELETE", "config/billing/limit", null, 204),
        new(Kind.Write, "PUT", "api/v1/settings/billing/limit", """{"value": 7}""", 200),
        new(Kind.Write, "DELETE", "api/v1/settings/billing/limit", null, 200),
        new(Kind.Admin, "GET", "api/v1/keys", null, 200),
        new(Kind.Admin, "POST", "api/v1/keys/rotate", "{}", 202),
        new(Kind.Admin, "GET", "api/v1/tokens", null, 200),
        new(Kind.Admin, "POST", "api/v1/tokens", """{"name": "made-by-matrix", "grants": ["config.read:*"]}""", 201),
        new(Kind.Admin, "DELETE", "api/v1/tokens/tnonexistent", null, 404),
        new(Kind.Admin, "POST", "config/reload", null, 200),
        new(Kind.Admin, "GET", "api/v1/audit", null, 200),
    ];

    public static TheoryData<string> Callers() => ["none", "expired", "revoked", "read-only", "write-other", "write", "revealer", "admin"];

    private static int Expected(string caller, Call call) => (caller, call.Kind) switch
    {
        ("none" or "expired" or "revoked", _) => 401,
        ("admin", _) => call.Success,
        (_, Kind.Admin) => 403,
        (_, Kind.List) => call.Success,
        ("read-only", Kind.Read) => call.Success,
        ("revealer", Kind.Read or Kind.Reveal) => call.Success,
        ("write", Kind.Reveal) => 403,
        ("write", _) => call.Success,
        _ => 403,
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Every_endpoint_answers_each_caller_with_the_exact_status_and_denials_change_nothing(string caller)
    {
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.Define(new SettingDefinition { Namespace = "billing", Key = "limit", Type = SettingType.Int });
                o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
            },
            anonymousGrants: [], masterKey: MasterKey.Generate());
        using var admin = Client(server, AdminToken);
        await admin.PutAsync("api/v1/settings/billing/limit", Json("""{"value": 1}"""));
        await admin.PutAsync("api/v1/settings/other/x", Json("""{"value": 1}"""));
        var token = await TokenForAsync(admin, caller);
        using var http = Client(server, token);
        var before = await StateAsync(admin);

        var outcomes = new List<string>();
        foreach (var call in Calls)
        {
            var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(call.Method), call.Path) { Content = call.Body is null ? null : Json(call.Body) });
            var expected = Expected(caller, call);
            if ((int)response.StatusCode != expected) outcomes.Add($"{call.Method} {call.Path}: {(int)response.StatusCode}, expected {expected}");
            if (expected is 401 or 403) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (expected == 401) Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }

        Assert.Empty(outcomes);
        if (caller is not ("write" or "admin")) Assert.Equal(before, await StateAsync(admin));
        // Every refusal was audited: a row of its own, or counted into its source's summary row when the interval closes.
        await server.Engine.Denials.FlushAsync();
        var denials = (await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?action=access.denied&limit=1000")).GetProperty("audit").EnumerateArray()
            .Sum(e => e.GetProperty("detail").TryGetProperty("coalesced", out var n) ? n.GetInt32() : 1);
        Assert.Equal(Calls.Count(c => Expected(caller, c) is 401 or 403), denials);
    }

    [Fact]
    public async Task Listings_show_only_the_namespaces_the_caller_may_read()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: ["config.read:public.*"]);
        using var admin = Client(server, AdminToken);
        foreach (var ns in new[] { "billing", "public.docs", "public.site", "publicity" })
            await admin.PutAsync($"api/v1/settings/{ns}/k", Json("""{"value": 1}"""));
        var reader = await CreateTokenAsync(admin, "config.read:billing");
        using var billingReader = Client(server, reader);
        using var anonymous = Client(server, null);

        Assert.Equal(["billing"], await NamesAsync(billingReader));
        Assert.Equal(["public.docs", "public.site"], await NamesAsync(anonymous));
        Assert.Equal(["public.docs/k", "public.site/k"],
            (await anonymous.GetFromJsonAsync<JsonElement>("config")).GetProperty("config").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["public.docs", "public.site"],
            (await anonymous.GetFromJsonAsync<JsonElement>("api/v1/export")).GetProperty("settings").EnumerateObject().Select(p => p.Name));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/settings/publicity/k")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await billingReader.GetAsync("api/v1/export?namespace=public.docs")).StatusCode);
    }

    [Fact]
    public async Task A_patch_touching_one_forbidden_namespace_is_refused_whole()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: []);
        using var admin = Client(server, AdminToken);
        using var writer = Client(server, await CreateTokenAsync(admin, "config.write:billing"));

        var response = await writer.PatchAsync("api/v1/settings", Json("""
            {"changes": [{"namespace": "billing", "key": "a", "value": 1}, {"namespace": "payroll", "key": "b", "value": 2}]}
            """));

        var problem = await response.AssertProblemAsync(403);
        Assert.Contains("'payroll'", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("api/v1/revision")).GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task Tokens_are_shown_once_stored_hashed_and_record_when_they_were_last_used()
    {
        var dir = new TempDirectory();
        try
        {
            string secret;
            await using (var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: [], dir: dir))
            {
                using var admin = Client(server, AdminToken);
                var created = await (await admin.PostAsync("api/v1/tokens", Json("""{"name": "ci", "grants": ["config.read:*"], "expiresIn": "30d"}"""))).ReadJsonAsync();
                secret = created.GetProperty("token").GetString()!;
                Assert.StartsWith("strata_", secret);
                Assert.True(Convert.FromBase64String(secret["strata_".Length..].Replace('-', '+').Replace('_', '/') + "=").Length >= 32);
                using var ci = Client(server, secret);
                Assert.Equal(System.Net.HttpStatusCode.OK, (await ci.GetAsync("api/v1/revision")).StatusCode);
                var listed = await admin.GetStringAsync("api/v1/tokens");
                Assert.DoesNotContain(secret, listed);
                Assert.Contains("lastUsedAt", listed);
            }
            var bytes = await File.ReadAllBytesAsync(Path.Combine(dir.Path, "strata.db"));
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, "the token's secret is stored in clear");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(AdminToken)) < 0, "the admin token is stored in clear");

            await using var again = await TestServer.StartAsync(anonymousGrants: [], dir: dir);
            using var reused = Client(again, secret);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await reused.GetAsync("api/v1/revision")).StatusCode);
            var tokens = await Client(again, AdminToken).GetFromJsonAsync<JsonElement>("api/v1/tokens");
            Assert.True(tokens.GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "ci").TryGetProperty("lastUsedAt", out _));
        }
        finally
        {
            dir.Dispose();
        }
    }

    [Theory]
    [InlineData("""{"name": "x", "grants": ["config.delete:*"]}""", "grants")]
    [InlineData("""{"name": "x", "grants": ["config.read:bad name"]}""", "grants")]
    [InlineData("""{"name": "x", "grants": []}""", "grants")]
    [InlineData("""{"grants": ["admin:*"]}""", "name")]
    [InlineData("""{"name": "x", "grants": ["admin:*"], "expiresIn": "soon"}""", "expiresIn")]
    public async Task Bad_token_requests_are_refused(string body, string field)
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: []);
        using var admin = Client(server, AdminToken);
        var problem = await (await admin.PostAsync("api/v1/tokens", Json(body))).AssertProblemAsync(400);
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>("api/v1/tokens")).GetProperty("tokens").EnumerateArray());
    }

    private static HttpClient Client(TestServer server, string? token) => server.CreateClient(token);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> CreateTokenAsync(HttpClient admin, params string[] grants)
    {
        var response = await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "test", grants }));
        return (await response.ReadJsonAsync()).GetProperty("token").GetString()!;
    }

    private static async Task<string?> TokenForAsync(HttpClient admin, string caller)
    {
        switch (caller)
        {
            case "none": return null;
            case "admin": return AdminToken;
            case "read-only": return await CreateTokenAsync(admin, "config.read:billing");
            case "write-other": return await CreateTokenAsync(admin, "config.read:other", "config.write:other");
            case "write": return await CreateTokenAsync(admin, "config.read:billing", "config.write:billing");
            case "revealer": return await CreateTokenAsync(admin, "config.read:billing", "secrets.reveal:billing");
            case "revoked":
                var revoked = await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "gone", grants = new[] { "admin:*" } }));
                var body = await revoked.ReadJsonAsync();
                await admin.DeleteAsync($"api/v1/tokens/{body.GetProperty("id").GetString()}");
                return body.GetProperty("token").GetString();
            case "expired":
                var expiring = await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "brief", grants = new[] { "admin:*" }, expiresIn = "1ms" }))).ReadJsonAsync();
                var expiresAt = expiring.GetProperty("expiresAt").GetDateTimeOffset();
                while (DateTimeOffset.UtcNow <= expiresAt) await Task.Yield();
                return expiring.GetProperty("token").GetString();
            default: throw new ArgumentOutOfRangeException(nameof(caller));
        }
    }

    /// <summary>What a denied caller must not have changed: settings, tokens, keys.</summary>
    private static async Task<string> StateAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<JsonElement>("api/v1/revision")).GetProperty("revision").GetInt64() + "|" +
        (await admin.GetFromJsonAsync<JsonElement>("api/v1/tokens")).GetProperty("tokens").GetArrayLength() + "|" +
        (await admin.GetFromJsonAsync<JsonElement>("api/v1/keys")).GetProperty("active").GetString();

    private static async Task<List<string>> NamesAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("api/v1/settings")).GetProperty("namespaces").EnumerateArray()
            .Select(n => n.GetProperty("name").GetString()!).ToList();
}
