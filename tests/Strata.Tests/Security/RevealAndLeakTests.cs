using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Security;

public sealed class RevealAndLeakTests : IDisposable
{
    private const string AdminToken = "reveal-admin-token-0123456789abcdef";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Define(StrataOptions o) => o.Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true });

    private static HttpClient Client(TestServer server, string? token) => server.CreateClient(token);

    private static async Task<string> TokenAsync(HttpClient admin, params string[] grants) =>
        (await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "t", grants }))).ReadJsonAsync()).GetProperty("token").GetString()!;

    [Fact]
    public async Task Reveal_needs_secrets_reveal_and_every_reveal_is_audited()
    {
        await using var server = await TestServer.StartAsync(o => { Define(o); o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken; },
            anonymousGrants: [], masterKey: MasterKey.Generate());
        using var admin = Client(server, AdminToken);
        await admin.PutAsync("api/v1/settings/billing/api_key", JsonContent.Create(new { value = "sk-live-reveal-me" }));
        using var reader = Client(server, await TokenAsync(admin, "config.read:billing"));
        using var revealer = Client(server, await TokenAsync(admin, "config.read:billing", "secrets.reveal:billing"));

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("api/v1/settings/billing/api_key?reveal=true")).StatusCode);
        Assert.Equal("********", (await reader.GetFromJsonAsync<JsonElement>("api/v1/settings/billing/api_key")).GetProperty("value").GetString());
        var revealed = await revealer.GetFromJsonAsync<JsonElement>("api/v1/settings/billing/api_key?reveal=true");
        Assert.Equal("sk-live-reveal-me", revealed.GetProperty("value").GetString());
        var ns = await revealer.GetFromJsonAsync<JsonElement>("api/v1/settings/billing?reveal=true");
        Assert.Equal("sk-live-reveal-me", ns.GetProperty("settings")[0].GetProperty("value").GetString());

        var audit = await admin.GetStringAsync("api/v1/audit?namespace=billing");
        var events = JsonSerializer.Deserialize<JsonElement>(audit).GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(2, events.Count(e => e.GetProperty("action").GetString() == "secret.reveal" && e.GetProperty("actor").GetString() == "t"));
        Assert.Contains(events, e => e.GetProperty("action").GetString() == "access.denied"
            && e.GetProperty("detail").GetProperty("permission").GetString() == "secrets.reveal");
        Assert.DoesNotContain("sk-live-reveal-me", audit);
    }

    [Fact]
    public async Task Export_with_secrets_needs_secrets_reveal_says_so_in_the_file_and_is_audited()
    {
        await using var server = await TestServer.StartAsync(o => { Define(o); o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken; },
            anonymousGrants: [], masterKey: MasterKey.Generate());
        using var admin = Client(server, AdminToken);
        await admin.PutAsync("api/v1/settings/billing/api_key", JsonContent.Create(new { value = "sk-live-export" }));
        using var reader = Client(server, await TokenAsync(admin, "config.read:*"));

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("api/v1/export?secrets=true")).StatusCode);
        var plain = await reader.GetFromJsonAsync<JsonElement>("api/v1/export");
        Assert.False(plain.GetProperty("secrets").GetBoolean());
        var full = await admin.GetFromJsonAsync<JsonElement>("api/v1/export?secrets=true");
        Assert.True(full.GetProperty("secrets").GetBoolean());
        Assert.Equal("sk-live-export", full.GetProperty("settings").GetProperty("billing").GetProperty("global").GetProperty("api_key").GetString());
        Assert.Empty(full.GetProperty("omitted").EnumerateArray());
        var exported = (await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?action=secret.export")).GetProperty("audit").EnumerateArray().Single();
        Assert.Equal("billing/api_key@global", exported.GetProperty("detail").GetProperty("settings")[0].GetString());
    }

    [Fact]
    public async Task No_clear_secret_reaches_logs_files_history_audit_exports_or_events()
    {
        string[] secrets = ["sk-leak-first-7f3a9c", "sk-leak-second-2b8e41"];
        var defs = _dir.Write("defs.yaml", "namespaces:\n  billing:\n    settings:\n      api_key:\n        type: string\n        sensitive: true\n");
        var data = Path.Combine(_dir.Path, "data");
        var env = new Dictionary<string, string> { [MasterKey.Variable] = MasterKey.Generate(), ["STRATA_ADMIN_TOKEN"] = AdminToken };
        var (process, address, output) = await StrataProcess.ServeAsync(data, env, "--definitions", defs, "--Logging:LogLevel:Default=Trace");
        var bodies = new StringBuilder();
        using (var http = OpenApiContractHandler.Client(address, AdminToken))
        {
            foreach (var secret in secrets)
                (await http.PutAsync("api/v1/settings/billing/api_key", JsonContent.Create(new { value = secret, comment = "rotate vendor key" }))).EnsureSuccessStatusCode();
            (await http.PutAsync("config/billing/api_key", JsonContent.Create(secrets[1]))).EnsureSuccessStatusCode();
            (await http.GetAsync("api/v1/settings/billing/api_key?reveal=true")).EnsureSuccessStatusCode();
            (await http.PostAsync("api/v1/keys/rotate", null)).EnsureSuccessStatusCode();
            using var anonymous = OpenApiContractHandler.Client(address);
            await anonymous.GetAsync("api/v1/settings/billing/api_key?reveal=true");
            foreach (var path in new[] { "api/v1/settings/billing/api_key", "api/v1/settings/billing", "api/v1/settings/billing/api_key/history",
                         "api/v1/settings/billing/_history", "api/v1/settings/billing/_diff?from=0", "api/v1/audit", "api/v1/export",
                         "api/v1/export?format=yaml", "config", "config/billing", "config/billing/api_key", "api/v1/settings/billing/api_key?explain=true" })
                bodies.AppendLine(await http.GetStringAsync(path));
        }
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term!.WaitForExitAsync();
        await process.WaitForExitAsync();

        var logs = output.ToString();
        Assert.Contains("strata: stopped", logs);
        Assert.Contains("Key rotation started", logs);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret, bodies.ToString());
            foreach (var file in Directory.GetFiles(data))
                Assert.True((await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{secret} in {Path.GetFileName(file)}");
        }
    }

    [Fact]
    public async Task A_change_event_shows_a_secret_only_to_a_view_that_may_reveal_it()
    {
        await using var h = await EngineHarness.StartAsync(Define, new System.Collections.Hashtable { [MasterKey.Variable] = MasterKey.Generate() });
        var feed = h.Engine.Feed.Subscribe().Reader;
        await h.SetAsync("billing", "api_key", "sk-event-secret");
        var change = await FeedEvents.NextChangeAsync(feed);
        var rendering = new Strata.Watch.WatchRendering(h.Engine.Resolver, h.Engine.Signing);

        var masked = Encoding.UTF8.GetString(new Strata.Watch.WatchView(["billing"], null, Strata.Naming.ScopeChain.GlobalOnly, [], rendering).Render(change));
        Assert.DoesNotContain("sk-event-secret", masked);
        Assert.Contains("\"value\":\"********\",\"masked\":true", masked);
        var clear = Encoding.UTF8.GetString(new Strata.Watch.WatchView(["billing"], null, Strata.Naming.ScopeChain.GlobalOnly, ["billing"], rendering).Render(change));
        Assert.Contains("\"value\":\"sk-event-secret\"", clear);
    }
}
