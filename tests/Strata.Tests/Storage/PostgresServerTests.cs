using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Strata.PostgreSql;
using Strata.Security;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>The real server on PostgreSQL (configured as <c>Strata:PostgreSql:*</c>, as <c>strata serve</c> reads it).</summary>
public sealed class PostgresServerTests : IAsyncLifetime
{
    private PostgresServer _cluster = null!;
    private string _schema = "";
    private readonly List<TempDirectory> _dirs = [];

    public async Task InitializeAsync()
    {
        _cluster = await PostgresServer.Shared;
        _schema = _cluster.NewSchema();
    }

    public Task DisposeAsync()
    {
        foreach (var dir in _dirs) dir.Dispose();
        return Task.CompletedTask;
    }

    private Task<TestServer> StartAsync(PostgresServer? cluster = null, string? signingKey = null, string[]? anonymousGrants = null, string? masterKey = null)
    {
        var dir = new TempDirectory();
        _dirs.Add(dir);
        return TestServer.StartAsync(dir: dir, anonymousGrants: anonymousGrants, masterKey: masterKey,
            hostArgs: [$"--Strata:PostgreSql:ConnectionString={(cluster ?? _cluster).ConnectionString}", $"--Strata:PostgreSql:Schema={_schema}"],
            configure: o =>
            {
                if (signingKey is not null) o.EnvironmentVariables![SigningKey.Variable] = signingKey;
            }).WaitAsync(TimeSpan.FromMinutes(1)); // instances start one at a time: a start lock left held would show here
    }

    [Fact]
    public async Task A_server_configured_for_postgres_keeps_its_data_there_and_says_so_when_ready()
    {
        await using (var first = await StartAsync())
        {
            Assert.IsType<PostgresStore>(first.Services.GetRequiredService<IStrataStore>());
            (await first.PutJsonAsync("api/v1/settings/app/greeting", """{"value": "hello"}""")).EnsureSuccessStatusCode();
            var ready = await first.Http.GetFromJsonAsync<JsonElement>("readyz");
            Assert.Equal(("postgresql", PostgresMigrator.Latest), (ready.GetProperty("store").GetProperty("store").GetString(),
                ready.GetProperty("store").GetProperty("schemaVersion").GetInt32()));
            Assert.False(File.Exists(Path.Combine(first.DataDirectory, "strata.db")));
        }
        var signing = await File.ReadAllTextAsync(Path.Combine(_dirs[0].Path, SigningKey.FileName));
        // Another instance, another data folder: what it reads is what the first one wrote.
        await using var second = await StartAsync(signingKey: signing);
        var value = await second.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/greeting");
        Assert.Equal("hello", value.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Writes_on_two_of_three_servers_reach_every_server_s_snapshot_and_watchers_in_revision_order()
    {
        const string signing = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        await using var a = await StartAsync(signingKey: signing);
        await using var b = await StartAsync(signingKey: signing);
        await using var c = await StartAsync(signingKey: signing);
        var feeds = new[] { a, b, c }.Select(s => s.Engine.Feed.Subscribe().Reader).ToList();

        for (var i = 1; i <= 6; i++)
            (await (i % 2 == 0 ? c : a).PutJsonAsync("api/v1/settings/app/counter", $$"""{"value": {{i}}}""")).EnsureSuccessStatusCode();

        // Every server, whoever wrote, publishes every revision once, in order, none missed.
        foreach (var feed in feeds)
            for (var revision = 1L; revision <= 6; revision++)
            {
                var e = await FeedEvents.NextChangeAsync(feed);
                Assert.Equal(revision, e.Revision);
            }
        Assert.Equal(6, (await b.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/counter")).GetProperty("value").GetInt32());
        Assert.Equal(6, b.Engine.Current.Revision);
    }

    [Fact]
    public async Task A_token_created_on_one_server_works_on_another_and_once_revoked_there_is_refused_by_both()
    {
        const string signing = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        await using var a = await StartAsync(signingKey: signing, anonymousGrants: ["admin:*"]);
        await using var b = await StartAsync(signingKey: signing, anonymousGrants: ["config.read:public.*"]);
        var created = await (await a.PostJsonAsync("api/v1/tokens", """{"name": "reader", "grants": ["config.read:*"]}""")).ReadJsonAsync();
        var (id, secret) = (created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!);
        using var reader = b.CreateUncheckedClient();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);

        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () => (await reader.GetAsync("api/v1/revision")).StatusCode == HttpStatusCode.OK), "Not OK after 10 s.");
        (await a.Http.DeleteAsync($"api/v1/tokens/{id}")).EnsureSuccessStatusCode();

        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () => (await reader.GetAsync("api/v1/revision")).StatusCode == HttpStatusCode.Unauthorized), "Not Unauthorized after 10 s.");
    }

    [Fact]
    public async Task Servers_starting_together_on_an_empty_store_create_one_admin_token_and_one_data_key()
    {
        const string signing = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        var masterKey = MasterKey.Generate();
        var servers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            Task.Run(() => StartAsync(signingKey: signing, anonymousGrants: [], masterKey: masterKey))));
        try
        {
            var tokenFiles = servers.Select(s => Path.Combine(s.DataDirectory, "admin.token")).Where(File.Exists).ToList();
            var token = (await File.ReadAllTextAsync(Assert.Single(tokenFiles))).Trim();
            var store = servers[0].Services.GetRequiredService<PostgresStore>();
            Assert.Single(await store.TokensAsync());
            Assert.Single(await store.DataKeysAsync(), k => k.State == DataKeyRecord.Active);
            // The one admin token is every instance's: each loaded it at start.
            foreach (var server in servers)
            {
                using var admin = server.CreateClient(token);
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/v1/revision")).StatusCode);
            }
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_whose_signing_key_is_not_the_cluster_s_refuses_to_start_saying_how_to_fix_it()
    {
        await using var first = await StartAsync();

        var refused = await Assert.ThrowsAsync<SecretException>(() => StartAsync());

        Assert.Contains(SigningKey.Variable, refused.Message);
        Assert.Contains("same key", refused.Message);
        var seed = await File.ReadAllTextAsync(Path.Combine(first.DataDirectory, SigningKey.FileName));
        Assert.DoesNotContain(seed.Trim(), refused.Message);
        await using var same = await StartAsync(signingKey: seed);
    }

    [Fact]
    public async Task While_postgres_is_down_reads_are_served_writes_answer_503_with_retry_after_and_then_recover()
    {
        await using var own = await PostgresServer.StartNewAsync();
        await using var server = await StartAsync(own);
        (await server.PutJsonAsync("api/v1/settings/app/limit", """{"value": 1}""")).EnsureSuccessStatusCode();

        await own.StopAsync();
        var read = await server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/limit");
        Assert.Equal(1, read.GetProperty("value").GetInt32());
        var write = await server.PutJsonAsync("api/v1/settings/app/limit", """{"value": 2}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(write.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.CreateUncheckedClient().GetAsync("readyz")).StatusCode);
        Assert.Equal(1, (await server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/limit")).GetProperty("value").GetInt32());

        await own.StartAsync();
        (await server.PutJsonAsync("api/v1/settings/app/limit", """{"value": 3}""")).EnsureSuccessStatusCode();
        Assert.Equal(3, (await server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/limit")).GetProperty("value").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await server.CreateUncheckedClient().GetAsync("readyz")).StatusCode);
    }
}
