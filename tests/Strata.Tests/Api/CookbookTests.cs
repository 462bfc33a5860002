using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>The curl commands of seeds 001 (ConfigStore) and 003 (settings service), replayed as written.</summary>
public sealed class CookbookTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Seed_001_upserts_version_lists_and_404s_as_documented()
    {
        var first = await (await _server.PutJsonAsync("config/test/example", """{"setting": "initial"}""")).ReadJsonAsync();
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        var second = await (await _server.PutJsonAsync("config/test/example", """{"setting": "updated"}""")).ReadJsonAsync();
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(first.GetProperty("created_at").GetString(), second.GetProperty("created_at").GetString());
        Assert.True(Guid.TryParse(second.GetProperty("id").GetString(), out _));
        Assert.Equal("updated", second.GetProperty("value").GetProperty("setting").GetString());

        await _server.PutJsonAsync("config/models/claude-opus", """
            {"model_id": "claude-opus-4-5-20251101", "max_tokens": 8192, "temperature": 0.7, "enabled": true}
            """);
        await _server.PutJsonAsync("config/features/dark-mode", """{"enabled": true, "beta": false}""");
        await _server.PutJsonAsync("config/agents/explore-agent", """{"thoroughness": "medium", "max_depth": 5, "timeout_seconds": 120}""");
        await _server.PutJsonAsync("config/env/development", """{"debug": true, "log_level": "DEBUG", "hot_reload": true}""");
        await _server.PutJsonAsync("config/platform/settings", """
            {"max_concurrent_agents": 10, "default_timeout": 30000, "logging": {"level": "INFO", "format": "json"}}
            """);

        var flag = await _server.Http.GetFromJsonAsync<JsonElement>("config/features/dark-mode");
        Assert.True(flag.GetProperty("value").GetProperty("enabled").GetBoolean());
        var model = await _server.Http.GetFromJsonAsync<JsonElement>("config/models/claude-opus");
        Assert.Equal(8192, model.GetProperty("value").GetProperty("max_tokens").GetInt32());
        var agents = await _server.Http.GetFromJsonAsync<JsonElement>("config/agents");
        Assert.Equal("explore-agent", agents.EnumerateArray().Single().GetProperty("key").GetString());
        var platform = await _server.Http.GetFromJsonAsync<JsonElement>("config/platform");
        Assert.Equal("json", platform[0].GetProperty("value").GetProperty("logging").GetProperty("format").GetString());

        var head = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "config/missing/key"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        await (await _server.Http.GetAsync("config/missing/key")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Seed_001_delete_removes_a_config_and_a_second_delete_is_404()
    {
        await _server.PutJsonAsync("config/test/gone", "{}");
        Assert.Equal(HttpStatusCode.NoContent, (await _server.Http.DeleteAsync("config/test/gone")).StatusCode);
        await (await _server.Http.GetAsync("config/test/gone")).AssertProblemAsync(404);
        await (await _server.Http.DeleteAsync("config/test/gone")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Seed_003_patch_validates_commits_and_answers_like_its_pubsub_message()
    {
        // Access control on, as seed 003 asks for its mutations: <admin-token> is the bootstrap admin token.
        const string adminToken = "seed-003-admin-token-0123456789abcdef";
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = adminToken, anonymousGrants: []);
        var request = new HttpRequestMessage(HttpMethod.Post, "config/patch")
        {
            Content = JsonContent.Create(new { updates = new Dictionary<string, string> { ["LOG_LEVEL"] = "debug", ["MONGO_URI"] = "mongodb://mongo:27017" } }),
        };
        using (var anonymous = server.CreateClient())
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.SendAsync(request)).StatusCode);
        request = new HttpRequestMessage(HttpMethod.Post, "config/patch") { Content = request.Content };
        server.Http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {adminToken}");

        var message = await (await server.Http.SendAsync(request)).ReadJsonAsync();

        Assert.Equal(("updated", 1), (message.GetProperty("event").GetString(), message.GetProperty("version").GetInt32()));
        Assert.Equal(["LOG_LEVEL", "MONGO_URI"], message.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));

        var snapshot = await server.Http.GetFromJsonAsync<JsonElement>("config");
        Assert.Equal(1, snapshot.GetProperty("version").GetInt32());
        Assert.Equal("debug", snapshot.GetProperty("config").GetProperty("LOG_LEVEL").GetString());
        Assert.Equal("mongodb://mongo:27017", snapshot.GetProperty("config").GetProperty("MONGO_URI").GetString());

        var reload = await (await server.Http.PostAsync("config/reload", null)).ReadJsonAsync();
        Assert.Equal(("reloaded", 1), (reload.GetProperty("event").GetString(), reload.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Seed_003_snapshot_masks_secrets_and_names_other_namespaces_by_path()
    {
        await using var server = await TestServer.StartAsync(o => o
            .Define(new SettingDefinition { Namespace = "app", Key = "SECRET_KEY", Type = SettingType.String, Sensitive = true }),
            masterKey: Strata.Security.MasterKey.Generate());
        await server.PostJsonAsync("config/patch", """{"updates": {"SECRET_KEY": "hunter2", "billing/limit": 5}}""");

        var body = await server.Http.GetStringAsync("config");
        var snapshot = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("config");

        Assert.DoesNotContain("hunter2", body);
        Assert.Equal("********", snapshot.GetProperty("SECRET_KEY").GetString());
        Assert.Equal(5, snapshot.GetProperty("billing/limit").GetInt32());
    }
}
