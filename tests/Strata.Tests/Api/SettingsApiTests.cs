using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

public sealed class SettingsApiTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var yaml = _dir.Write("defs.yaml", """
            namespaces:
              billing:
                strict: true
                description: Spending limits
                settings:
                  max_daily_usd:
                    type: float
                    default: 100
                    group: Budget Limits
                    min: 0
                  api_key:
                    type: string
                    sensitive: true
                  theme:
                    type: enum
                    allowed: [light, dark]
                    default: light
                    scopes: [global, user]
            """);
        _server = await TestServer.StartAsync(definitionsFile: yaml, masterKey: Strata.Security.MasterKey.Generate());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private HttpClient Http => _server.Http;

    [Fact]
    public async Task A_put_creates_then_updates_with_growing_versions_and_etags()
    {
        var created = await _server.PutJsonAsync("api/v1/settings/billing/max_daily_usd", """{"value": 250.5, "comment": "more room"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal((1, 1), (body.GetProperty("version").GetInt32(), body.GetProperty("revision").GetInt32()));
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);

        var updated = await _server.PutJsonAsync("api/v1/settings/billing/max_daily_usd", """{"value": 300}""");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag!.Tag);

        var read = await Http.GetAsync("api/v1/settings/billing/max_daily_usd");
        var setting = await read.ReadJsonAsync();
        Assert.Equal(300, setting.GetProperty("value").GetDouble());
        Assert.Equal("override", setting.GetProperty("source").GetString());
        Assert.Equal("float", setting.GetProperty("type").GetString());
        Assert.Equal("\"2\"", read.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task A_stale_if_match_is_refused_with_412_and_the_current_version()
    {
        await _server.PutJsonAsync("api/v1/settings/billing/max_daily_usd", """{"value": 1}""");
        await _server.PutJsonAsync("api/v1/settings/billing/max_daily_usd", """{"value": 2}""");

        var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/billing/max_daily_usd") { Content = JsonContent.Create(new { value = 3 }) };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var problem = await (await Http.SendAsync(request)).AssertProblemAsync(412);

        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
        Assert.Equal(2, await _server.RevisionAsync());

        var fresh = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/billing/max_daily_usd") { Content = JsonContent.Create(new { value = 3 }) };
        fresh.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task Delete_resets_to_the_default_and_answers_what_it_did_without_any_value()
    {
        await _server.PutJsonAsync("api/v1/settings/billing/max_daily_usd", """{"value": 5}""");

        var reset = await Http.DeleteAsync("api/v1/settings/billing/max_daily_usd");
        var again = await Http.DeleteAsync("api/v1/settings/billing/max_daily_usd");

        var done = await reset.ReadJsonAsync();
        Assert.Equal(("billing", "max_daily_usd", "global", true, 2), (done.GetProperty("namespace").GetString(), done.GetProperty("key").GetString(),
            done.GetProperty("scope").GetString(), done.GetProperty("reset").GetBoolean(), done.GetProperty("version").GetInt32()));
        Assert.False(done.TryGetProperty("value", out _));
        Assert.Equal("\"2\"", reset.Headers.ETag?.Tag);
        var nothing = await again.ReadJsonAsync();
        Assert.False(nothing.GetProperty("reset").GetBoolean());
        Assert.False(nothing.TryGetProperty("value", out _));
        var now = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/billing/max_daily_usd");
        Assert.Equal((100, "yaml"), (now.GetProperty("value").GetDouble(), now.GetProperty("source").GetString()));
        var history = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/billing/max_daily_usd/history");
        Assert.Equal("reset", history.GetProperty("history")[0].GetProperty("change").GetString());
    }

    [Fact]
    public async Task Namespace_read_resolves_every_key_with_provenance_and_explain_shows_the_layers()
    {
        await _server.PutJsonAsync("api/v1/settings/billing/theme?scope=user:alice", """{"value": "dark"}""");

        var global = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/billing");
        var alice = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/billing?scope=user:alice&explain=true");

        Assert.Equal(["max_daily_usd", "theme"], global.GetProperty("settings").EnumerateArray().Select(s => s.GetProperty("key").GetString()));
        var theme = alice.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "theme");
        Assert.Equal(("dark", "user:alice"), (theme.GetProperty("value").GetString(), theme.GetProperty("scope").GetString()));
        Assert.Equal(["override", "yaml"], theme.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()));
        Assert.Equal(["user:alice", "global"], alice.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_namespace_read_answers_304_while_its_revision_is_unchanged()
    {
        var first = await Http.GetAsync("api/v1/settings/billing");
        var etag = first.Headers.ETag!.Tag;

        var again = new HttpRequestMessage(HttpMethod.Get, "api/v1/settings/billing");
        again.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await Http.SendAsync(again)).StatusCode);

        await _server.PutJsonAsync("api/v1/settings/billing/theme", """{"value": "dark"}""");
        var after = new HttpRequestMessage(HttpMethod.Get, "api/v1/settings/billing");
        after.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(after)).StatusCode);
    }

    [Fact]
    public async Task Sensitive_values_are_masked_in_reads_history_and_the_snapshot()
    {
        await _server.PutJsonAsync("api/v1/settings/billing/api_key", """{"value": "sk-live-123"}""");

        var reads = new[]
        {
            await Http.GetStringAsync("api/v1/settings/billing/api_key"),
            await Http.GetStringAsync("api/v1/settings/billing"),
            await Http.GetStringAsync("api/v1/settings/billing/api_key/history"),
            await Http.GetStringAsync("api/v1/settings/billing/_history"),
            await Http.GetStringAsync("api/v1/settings/billing/_diff?from=0"),
            await Http.GetStringAsync("config"),
            await Http.GetStringAsync("config/billing"),
            await Http.GetStringAsync("api/v1/export"),
        };

        Assert.All(reads, body => Assert.DoesNotContain("sk-live-123", body));
        Assert.Contains("********", reads[0]);
    }

    [Fact]
    public async Task An_atomic_patch_commits_every_change_in_one_revision()
    {
        var response = await _server.Http.PatchAsync("api/v1/settings", JsonContent.Create(new
        {
            comment = "rollout",
            changes = new object[]
            {
                new { @namespace = "billing", key = "max_daily_usd", value = 7 },
                new { @namespace = "billing", key = "theme", scope = "user:bob", value = "dark" },
                new { @namespace = "features", key = "beta", value = new { enabled = true } },
            },
        }));

        var body = await response.ReadJsonAsync();
        Assert.Equal(1, body.GetProperty("revision").GetInt32());
        Assert.Equal(3, body.GetProperty("applied").GetArrayLength());
        Assert.Equal(1, await _server.RevisionAsync());
    }

    [Fact]
    public async Task The_schema_serves_the_registry_for_every_namespace_and_one()
    {
        var all = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/_schema");
        var billing = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/_schema/billing");

        Assert.Contains(all.GetProperty("namespaces").EnumerateArray(), n => n.GetProperty("name").GetString() == "billing");
        Assert.True(billing.GetProperty("strict").GetBoolean());
        var max = billing.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "max_daily_usd");
        Assert.Equal(("float", "Budget Limits", 100.0, 0.0), (max.GetProperty("type").GetString(), max.GetProperty("group").GetString(),
            max.GetProperty("default").GetDouble(), max.GetProperty("constraints").GetProperty("min").GetDouble()));
        var theme = billing.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "theme");
        Assert.Equal(["light", "dark"], theme.GetProperty("constraints").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));
        await (await Http.GetAsync("api/v1/settings/_schema/nothing")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task The_namespace_list_counts_defined_and_stored_settings()
    {
        await _server.PutJsonAsync("api/v1/settings/agents/explorer", """{"value": {"depth": 5}}""");
        var list = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings");
        var names = list.GetProperty("namespaces").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!);
        Assert.Equal((3, 0), (names["billing"].GetProperty("defined").GetInt32(), names["billing"].GetProperty("stored").GetInt32()));
        Assert.Equal((0, 1), (names["agents"].GetProperty("defined").GetInt32(), names["agents"].GetProperty("stored").GetInt32()));
    }

    [Fact]
    public async Task A_missing_key_and_a_missing_namespace_are_404_problems()
    {
        await (await Http.GetAsync("api/v1/settings/agents/none")).AssertProblemAsync(404);
        await (await Http.GetAsync("api/v1/settings/nothing-here")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var doc = await Http.GetFromJsonAsync<JsonElement>("openapi/strata.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/settings/{ns}/{key}", out _));
        Assert.True(paths.TryGetProperty("/config/patch", out _));
    }

    [Fact]
    public async Task Health_says_the_process_is_up_and_readiness_reports_the_store_and_schema()
    {
        Assert.Equal("ok", (await Http.GetFromJsonAsync<JsonElement>("healthz")).GetProperty("status").GetString());
        var ready = await Http.GetFromJsonAsync<JsonElement>("readyz");
        Assert.Equal("ok", ready.GetProperty("status").GetString());
        var store = ready.GetProperty("store");
        Assert.Equal(("sqlite", 0), (store.GetProperty("store").GetString(), store.GetProperty("pendingMigrations").GetInt32()));
        Assert.Equal(Strata.Storage.Sqlite.SqliteMigrator.Latest, store.GetProperty("schemaVersion").GetInt32());
    }

    [Fact]
    public async Task An_answer_larger_than_the_reused_response_buffer_arrives_whole_and_so_do_the_answers_after_it()
    {
        var text = new string('x', 400);
        var changes = Enumerable.Range(0, 300).Select(i => new { @namespace = "bulk", key = $"k{i:D3}", value = text }).ToArray();
        (await Http.PatchAsJsonAsync("api/v1/settings", new { changes })).EnsureSuccessStatusCode();

        for (var round = 0; round < 3; round++)
        {
            var response = await Http.GetAsync("api/v1/settings/bulk");
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.Length > 128 * 1024);
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            var settings = JsonDocument.Parse(bytes).RootElement.GetProperty("settings");
            Assert.Equal(300, settings.GetArrayLength());
            Assert.All(settings.EnumerateArray(), s => Assert.Equal(text, s.GetProperty("value").GetString()));

            var small = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/bulk/k123");
            Assert.Equal(("k123", text), (small.GetProperty("key").GetString(), small.GetProperty("value").GetString()));
        }
    }
}
