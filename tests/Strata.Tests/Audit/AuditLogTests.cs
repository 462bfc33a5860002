using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Audit;

public sealed class AuditLogTests : IAsyncLifetime
{
    private const string AdminToken = "audit-admin-token-0123456789abcdef";
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(
            o =>
            {
                o.Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true });
                o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
            },
            anonymousGrants: [], masterKey: MasterKey.Generate());
        _admin = Client(AdminToken);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private HttpClient Client(string? token) => _server.CreateClient(token);

    private async Task<List<JsonElement>> AuditAsync(string query = "") =>
        (await _admin.GetFromJsonAsync<JsonElement>($"api/v1/audit{query}")).GetProperty("audit").EnumerateArray().ToList();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Every_change_is_audited_with_actor_client_request_id_and_a_masked_diff()
    {
        var response = await _admin.PutAsync("api/v1/settings/app/limit", Json("""{"value": 5, "comment": "raise"}"""));
        await _admin.PutAsync("api/v1/settings/app/limit", Json("""{"value": 6}"""));
        await _admin.PutAsync("api/v1/settings/billing/api_key", Json("""{"value": "sk-live-abc"}"""));
        await _admin.PutAsync("api/v1/settings/billing/api_key", Json("""{"value": "sk-live-def"}"""));
        await _admin.DeleteAsync("api/v1/settings/app/limit");

        var events = await AuditAsync("?namespace=app");
        Assert.Equal(["setting.reset", "setting.set", "setting.set"], events.Select(e => e.GetProperty("action").GetString()));
        var first = events[^1];
        Assert.Equal(("admin", "ok", "limit", "global", "127.0.0.1"), (first.GetProperty("actor").GetString(), first.GetProperty("outcome").GetString(),
            first.GetProperty("key").GetString(), first.GetProperty("scope").GetString(), first.GetProperty("client").GetString()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("requestId").GetString()));
        Assert.Equal("""{"revision":1,"version":1,"old":null,"new":5,"comment":"raise"}""", first.GetProperty("detail").GetRawText());
        Assert.Equal("""{"revision":2,"version":2,"old":5,"new":6}""", events[1].GetProperty("detail").GetRawText());

        var secret = await _admin.GetStringAsync("api/v1/audit?namespace=billing");
        Assert.DoesNotContain("sk-live", secret);
        Assert.Contains("\"old\":\"********\",\"new\":\"********\"", secret);
    }

    [Fact]
    public async Task Denied_requests_are_audited_with_who_and_why()
    {
        using var anonymous = Client(null);
        using var forged = Client("strata_not-a-real-token");
        var reader = (await (await _admin.PostAsync("api/v1/tokens", Json("""{"name": "reader", "grants": ["config.read:app"]}"""))).ReadJsonAsync())
            .GetProperty("token").GetString()!;
        using var readerClient = Client(reader);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/settings/app/limit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PutAsync("api/v1/settings/app/limit", Json("""{"value": 1}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerClient.PutAsync("api/v1/settings/app/limit", Json("""{"value": 1}"""))).StatusCode);

        var denied = await AuditAsync("?action=access.denied");
        Assert.Equal(["reader", "anonymous", "anonymous"], denied.Select(e => e.GetProperty("actor").GetString()));
        Assert.All(denied, e => Assert.Equal("denied", e.GetProperty("outcome").GetString()));
        Assert.Equal(("config.write", "missing permission", "PUT", "/api/v1/settings/app/limit"),
            (denied[0].GetProperty("detail").GetProperty("permission").GetString(), denied[0].GetProperty("detail").GetProperty("reason").GetString(),
             denied[0].GetProperty("detail").GetProperty("method").GetString(), denied[0].GetProperty("detail").GetProperty("path").GetString()));
        Assert.Equal("invalid token", denied[1].GetProperty("detail").GetProperty("reason").GetString());
        Assert.DoesNotContain("not-a-real-token", await _admin.GetStringAsync("api/v1/audit"));
    }

    [Fact]
    public async Task Token_and_key_changes_are_audited_without_secrets()
    {
        var created = await (await _admin.PostAsync("api/v1/tokens", Json("""{"name": "ci", "grants": ["config.read:*"]}"""))).ReadJsonAsync();
        await _admin.DeleteAsync($"api/v1/tokens/{created.GetProperty("id").GetString()}");
        await _admin.PostAsync("api/v1/keys/rotate", Json("{}"));

        var events = await AuditAsync("?actor=admin");
        Assert.Equal(["key.rotate", "token.revoke", "token.create"], events.Take(3).Select(e => e.GetProperty("action").GetString()));
        Assert.DoesNotContain(created.GetProperty("token").GetString()!, await _admin.GetStringAsync("api/v1/audit"));
    }

    [Fact]
    public async Task The_log_is_filtered_by_key_and_time_and_paged()
    {
        for (var i = 0; i < 5; i++) await _admin.PutAsync($"api/v1/settings/app/k{i % 2}", Json($$"""{"value": {{i}}}"""));
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");

        Assert.Equal(3, (await AuditAsync("?namespace=app&key=k0")).Count);
        var page = await _admin.GetFromJsonAsync<JsonElement>("api/v1/audit?namespace=app&limit=2");
        var next = page.GetProperty("nextBefore").GetInt64();
        var rest = await AuditAsync($"?namespace=app&before={next}");
        Assert.Equal(3, rest.Count);
        Assert.All(rest, e => Assert.True(e.GetProperty("id").GetInt64() < next));
        Assert.Equal(5, (await AuditAsync($"?namespace=app&from={Uri.EscapeDataString(start)}")).Count);
        Assert.Empty(await AuditAsync($"?namespace=app&to={Uri.EscapeDataString(start)}"));
    }

    [Fact]
    public async Task No_endpoint_edits_audit_records_only_admins_read_them_and_only_admins_prune()
    {
        await _admin.PutAsync("api/v1/settings/app/limit", Json("""{"value": 1}"""));
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Post, HttpMethod.Patch })
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _admin.SendAsync(new HttpRequestMessage(method, "api/v1/audit") { Content = Json("{}") })).StatusCode);
        var reader = (await (await _admin.PostAsync("api/v1/tokens", Json("""{"name": "r", "grants": ["config.read:*", "config.write:*"]}"""))).ReadJsonAsync()).GetProperty("token").GetString();
        using var readerClient = Client(reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerClient.GetAsync("api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerClient.DeleteAsync("api/v1/audit?before=1s")).StatusCode);
        Assert.Single(await AuditAsync("?action=setting.set"));
    }

    [Fact]
    public async Task The_cli_shows_the_audit_log()
    {
        await _admin.PutAsync("api/v1/settings/app/limit", Json("""{"value": 1}"""));
        var (code, stdout, _) = await StrataProcess.RunAsync("audit", "--action", "setting.set", "--server", _server.Address.ToString(), "--token", AdminToken);
        Assert.Equal(0, code);
        Assert.Contains("\tadmin\tsetting.set\tok\tapp/limit@global\t127.0.0.1\t", stdout);
    }
}
