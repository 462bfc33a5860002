using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Watch;

/// <summary>Long-poll on a namespace, seed 003's /config/_watch, and the consumers view.</summary>
public sealed class LongPollAndConsumerTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_long_poll_wakes_for_a_commit_to_its_namespace_and_not_for_others()
    {
        await PutAsync("poll", "k", "1");
        var index = await IndexAsync("api/v1/settings/poll");
        var poll = _server.Http.GetAsync($"api/v1/settings/poll?index={index}&wait=30s");

        await PutAsync("elsewhere", "k", "1");
        // Given time to answer wrongly: the answer must still be pending after the unrelated write is acknowledged and a read of it served.
        await _server.Http.GetAsync("api/v1/settings/elsewhere/k");
        Assert.False(poll.IsCompleted);
        var revision = await PutAsync("poll", "k", "2");

        using var answer = await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(revision.ToString(), answer.Headers.GetValues("Strata-Index").Single());
        Assert.Contains("\"value\":2", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_long_poll_with_nothing_new_answers_at_its_timeout_with_the_same_index()
    {
        await PutAsync("idle", "k", "1");
        var index = await IndexAsync("api/v1/settings/idle");
        var clock = Stopwatch.StartNew();
        using var answer = await _server.Http.GetAsync($"api/v1/settings/idle?index={index}&wait=400ms");
        Assert.InRange(clock.ElapsedMilliseconds, 390, 10_000);
        Assert.Equal(index.ToString(), answer.Headers.GetValues("Strata-Index").Single());
        // An index already passed answers at once.
        clock.Restart();
        using var immediate = await _server.Http.GetAsync($"api/v1/settings/idle?index={index - 1}&wait=30s");
        Assert.Equal(HttpStatusCode.OK, immediate.StatusCode);
        Assert.InRange(clock.ElapsedMilliseconds, 0, 5_000);
    }

    [Theory]
    [InlineData("wait=30s")]
    [InlineData("index=x")]
    [InlineData("index=1&wait=soon")]
    [InlineData("index=1&asOf=1")]
    public async Task A_malformed_long_poll_is_a_400(string query)
    {
        await PutAsync("badpoll", "k", "1");
        await (await _server.Http.GetAsync($"api/v1/settings/badpoll?{query}")).AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_long_poll_with_a_bad_query_or_of_a_missing_namespace_answers_at_once()
    {
        await PutAsync("quick", "k", "1");
        var clock = Stopwatch.StartNew();
        await (await _server.Http.GetAsync("api/v1/settings/quick?index=99&wait=30s&scope=!!bad")).AssertProblemAsync(400);
        await (await _server.Http.GetAsync("api/v1/settings/nosuchns?index=0&wait=30s")).AssertProblemAsync(404);
        Assert.InRange(clock.ElapsedMilliseconds, 0, 5_000);
    }

    [Fact]
    public async Task Config_watchers_get_seed_003s_message_for_patches_and_a_reload_lists_every_key()
    {
        await using var watch = await SseStream.OpenAsync(_server.Http, "config/_watch");
        await watch.NextAsync("heartbeat");
        var patch = await _server.PostJsonAsync("config/patch", """{"updates":{"LOG_LEVEL":"debug","features/dark":true}}""");
        var version = (await patch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();

        var updated = JsonDocument.Parse((await watch.NextAsync("updated")).Data).RootElement;
        Assert.Equal("updated", updated.GetProperty("event").GetString());
        Assert.Equal(version, updated.GetProperty("version").GetInt64());
        Assert.Equal(["LOG_LEVEL", "features/dark"], updated.GetProperty("changed").EnumerateArray().Select(c => c.GetString()).Order());

        Assert.True((await _server.Http.PostAsync("config/reload", null)).IsSuccessStatusCode);
        var reloaded = JsonDocument.Parse((await watch.NextAsync("reloaded")).Data).RootElement;
        Assert.Equal(("reloaded", version), (reloaded.GetProperty("event").GetString(), reloaded.GetProperty("version").GetInt64()));
        Assert.Equal(["features/dark", "LOG_LEVEL"], reloaded.GetProperty("changed").EnumerateArray().Select(c => c.GetString()!));
    }

    [Fact]
    public async Task A_reload_tells_api_watchers_to_reload_their_snapshot()
    {
        await using var watch = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=app");
        await watch.NextAsync("heartbeat");
        Assert.True((await _server.Http.PostAsync("config/reload", null)).IsSuccessStatusCode);
        Assert.Contains("re-read its store", (await watch.NextAsync("reset")).Data);
    }

    [Fact]
    public async Task A_consumer_is_listed_while_its_watch_is_open_with_the_revision_it_reports()
    {
        var start = await PutAsync("fleet", "k", "1");
        var identity = new Dictionary<string, string>
        {
            ["Strata-Consumer-Application"] = "checkout-api", ["Strata-Consumer-Instance"] = "i-1", ["Strata-Consumer-Host"] = "web-1",
        };
        var watch = await SseStream.OpenAsync(_server.Http, $"api/v1/watch?ns=fleet&since={start}", identity);
        await watch.NextAsync("heartbeat");

        var consumer = await ConsumerAsync("i-1");
        Assert.Equal(("checkout-api", "web-1", start, false), (consumer!.Value.GetProperty("application").GetString(),
            consumer.Value.GetProperty("host").GetString(), consumer.Value.GetProperty("appliedRevision").GetInt64(), consumer.Value.GetProperty("behind").GetBoolean()));

        var next = await PutAsync("fleet", "k", "2");
        Assert.True((await ConsumerAsync("i-1"))!.Value.GetProperty("behind").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await _server.PutJsonAsync("api/v1/consumers/i-1", $$"""{"revision":{{next}}}""")).StatusCode);
        consumer = await ConsumerAsync("i-1");
        Assert.Equal((next, false), (consumer!.Value.GetProperty("appliedRevision").GetInt64(), consumer.Value.GetProperty("behind").GetBoolean()));
        // A commit elsewhere does not make it behind.
        await PutAsync("unrelated", "k", "1");
        Assert.False((await ConsumerAsync("i-1"))!.Value.GetProperty("behind").GetBoolean());

        Assert.Equal(HttpStatusCode.NotFound, (await _server.PutJsonAsync("api/v1/consumers/nobody", """{"revision":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _server.PutJsonAsync("api/v1/consumers/i-1", """{"revision":"x"}""")).StatusCode);
        // The server ends the registration when it notices the stream closed.
        var registry = _server.Services.GetRequiredService<Strata.Watch.ConsumerRegistry>();
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.Changed += () => { if (registry.List().Count == 0) gone.TrySetResult(); };
        await watch.DisposeAsync();
        await gone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(await ConsumerAsync("i-1"));
    }

    [Fact]
    public async Task A_consumer_belongs_to_its_token_and_cannot_report_a_revision_from_the_future()
    {
        await using var server = await TestServer.StartAsync(anonymousGrants: []);
        var admin = server.CreateClient((await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "admin.token"))).Trim());
        async Task<HttpClient> Reader(string grant)
        {
            var created = await (await admin.PostAsync("api/v1/tokens", Json.Content($$"""{"name":"t{{Guid.NewGuid():N}}","grants":["{{grant}}"]}"""))).ReadJsonAsync();
            return server.CreateClient(created.GetProperty("token").GetString());
        }
        using var owner = await Reader("config.read:fleet");
        using var intruder = await Reader("config.read:other");
        var same = new Dictionary<string, string> { ["Strata-Consumer-Instance"] = "web-1", ["Strata-Consumer-Application"] = "checkout" };
        await using var real = await SseStream.OpenAsync(owner, "api/v1/watch?ns=fleet", same);
        await real.NextAsync("heartbeat");
        await using var fake = await SseStream.OpenAsync(intruder, "api/v1/watch?ns=other", new Dictionary<string, string>(same) { ["Strata-Consumer-Application"] = "evil" });
        await fake.NextAsync("heartbeat");

        Assert.Equal(HttpStatusCode.NoContent, (await owner.PutAsync("api/v1/consumers/web-1", Json.Content("""{"revision":0}"""))).StatusCode);
        await (await owner.PutAsync("api/v1/consumers/web-1", Json.Content("""{"revision":999999}"""))).AssertProblemAsync(400);
        var listed = (await admin.GetFromJsonAsync<JsonElement>("api/v1/consumers")).GetProperty("consumers").EnumerateArray()
            .Select(c => (c.GetProperty("application").GetString(), c.GetProperty("namespaces")[0].GetString())).Order().ToList();
        Assert.Equal([("checkout", "fleet"), ("evil", "other")], listed);
    }

    private async Task<JsonElement?> ConsumerAsync(string instance)
    {
        var list = await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/consumers");
        return list.GetProperty("consumers").EnumerateArray().Where(c => c.GetProperty("instance").GetString() == instance)
            .Select(c => (JsonElement?)c).FirstOrDefault();
    }

    private async Task<long> IndexAsync(string path)
    {
        using var response = await _server.Http.GetAsync(path);
        return long.Parse(response.Headers.GetValues("Strata-Index").Single());
    }

    private async Task<long> PutAsync(string ns, string key, string json)
    {
        var response = await _server.Http.PutAsync($"api/v1/settings/{ns}/{key}", Json.Content($$"""{"value":{{json}}}"""));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64();
    }
}
