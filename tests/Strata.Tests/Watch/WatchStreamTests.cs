using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Watch;

/// <summary>GET /api/v1/watch against the real server: signed events, resume without gap or duplicate, filtering, resets.</summary>
public sealed class WatchStreamTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _publicKey = "";

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Watch.MaxReplay = 50);
        _publicKey = (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/signing-key")).GetProperty("publicKey").GetString()!;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_commit_reaches_a_watcher_as_one_event_signed_over_its_exact_bytes()
    {
        await using var watch = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=checkout");
        Assert.Equal("heartbeat", (await watch.NextAsync("heartbeat")).EventType);
        Assert.Equal(TimeSpan.FromSeconds(1), watch.Retry);

        var revision = await PutAsync("checkout", "max_items", "50");
        var change = await watch.NextAsync();

        Assert.Equal(("change", revision.ToString()), (change.EventType, change.EventId));
        var data = JsonDocument.Parse(change.Data).RootElement;
        Assert.Equal(revision, data.GetProperty("revision").GetInt64());
        var entry = data.GetProperty("changes").EnumerateArray().Single();
        Assert.Equal(("checkout", "max_items", "global", 1L, 50, "override"),
            (entry.GetProperty("namespace").GetString(), entry.GetProperty("key").GetString(), entry.GetProperty("scope").GetString(),
             entry.GetProperty("version").GetInt64(), entry.GetProperty("value").GetInt32(), entry.GetProperty("source").GetString()));
        Assert.True(SseStream.Verifies(change.Data, _publicKey));
        // One byte changed anywhere before the signature, and it no longer verifies.
        Assert.False(SseStream.Verifies(change.Data.Replace("\"value\":50", "\"value\":51"), _publicKey));
    }

    [Fact]
    public async Task Resuming_from_a_revision_replays_history_then_live_events_with_no_gap_and_no_duplicate()
    {
        var first = await PutAsync("resume", "a", "0");
        for (var i = 1; i <= 5; i++) await PutAsync("resume", "a", $"{i}");
        // Writes go on while the watcher connects and replays.
        var writer = Task.Run(async () =>
        {
            var last = 0L;
            for (var i = 6; i <= 30; i++) last = await PutAsync("resume", i % 2 == 0 ? "a" : "b", $"{i}");
            return last;
        });
        await using var watch = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=resume",
            new Dictionary<string, string> { ["Last-Event-ID"] = (first + 1).ToString() });
        var last = await writer;

        var seen = new List<long>();
        while (seen.Count == 0 || seen[^1] < last) seen.Add(long.Parse((await watch.NextAsync("change")).EventId!));
        var expected = Enumerable.Range((int)first + 2, (int)(last - first - 1)).Select(r => (long)r).ToList();
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_replayed_event_is_byte_for_byte_the_event_that_was_sent_live()
    {
        await using var live = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=same&scope=user:ann");
        var start = await _server.RevisionAsync();
        await PutAsync("same", "x", "1");
        await PutAsync("same", "x", "2", "user:ann");
        await _server.Http.DeleteAsync("api/v1/settings/same/x?scope=user:ann");
        await _server.Http.PatchAsync("api/v1/settings", Json.Content("""{"changes":[{"namespace":"same","key":"x","value":3},{"namespace":"same","key":"y","value":{"deep":[1]}}]}"""));
        var sent = new List<string>();
        for (var i = 0; i < 4; i++) sent.Add((await live.NextAsync("change")).Data);

        await using var replay = await SseStream.OpenAsync(_server.Http, $"api/v1/watch?ns=same&scope=user:ann&since={start}");
        for (var i = 0; i < 4; i++) Assert.Equal(sent[i], (await replay.NextAsync("change")).Data);
        Assert.Contains("\"value\":2", sent[1]);
        Assert.Contains("\"value\":1,\"source\":\"override\"", sent[2]);
    }

    [Fact]
    public async Task A_watcher_gets_only_its_namespaces_keys_and_scopes_with_values_resolved_under_its_chain()
    {
        await using var watch = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=filt&keys=x&scope=user:alice");
        await PutAsync("other", "x", "1");
        await PutAsync("filt", "y", "1");
        await PutAsync("filt", "x", "1", "user:bob");
        var global = await PutAsync("filt", "x", "10");
        var alice = await PutAsync("filt", "x", "20", "user:alice");

        var first = await watch.NextAsync();
        Assert.Equal(global.ToString(), first.EventId);
        Assert.Contains("\"value\":10", first.Data);
        var second = await watch.NextAsync();
        Assert.Equal(alice.ToString(), second.EventId);
        Assert.Contains("\"scope\":\"user:alice\"", second.Data);
        Assert.Contains("\"value\":20", second.Data);
    }

    [Fact]
    public async Task A_reset_that_leaves_nothing_to_resolve_says_removed()
    {
        await PutAsync("gone", "k", "1");
        await using var watch = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=gone");
        await _server.Http.DeleteAsync("api/v1/settings/gone/k");
        var change = await watch.NextAsync();
        Assert.Contains("\"removed\":true", change.Data);
        Assert.DoesNotContain("\"value\"", change.Data);
    }

    [Fact]
    public async Task A_resume_point_in_the_future_or_beyond_the_replay_limit_gets_a_reset_and_then_live_events()
    {
        var current = await PutAsync("reset", "k", "1");
        await using (var future = await SseStream.OpenAsync(_server.Http, $"api/v1/watch?ns=reset&since={current + 100}"))
        {
            var reset = await future.NextAsync("reset");
            Assert.Equal(current, JsonDocument.Parse(reset.Data).RootElement.GetProperty("revision").GetInt64());
            Assert.Contains("after the current revision", reset.Data);
            Assert.True(SseStream.Verifies(reset.Data, _publicKey));
            var next = await PutAsync("reset", "k", "2");
            Assert.Equal(next.ToString(), (await future.NextAsync("change")).EventId);
        }
        for (var i = 0; i < 60; i++) await PutAsync("reset", "k", $"{i}");
        await using var behind = await SseStream.OpenAsync(_server.Http, $"api/v1/watch?ns=reset&since={current}");
        Assert.Contains("at most 50 are replayed", (await behind.NextAsync("reset")).Data);
    }

    [Fact]
    public async Task A_watcher_without_read_on_a_namespace_it_names_is_refused_and_bad_queries_are_400()
    {
        await using var server = await TestServer.StartAsync(anonymousGrants: []);
        var admin = server.CreateClient((await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "admin.token"))).Trim());
        var token = await CreateTokenAsync(admin, "config.read:mine");
        using var reader = server.CreateClient(token);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => SseStream.OpenAsync(reader, "api/v1/watch?ns=mine,theirs"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("theirs", refused.Message);
        foreach (var query in new[] { "", "?ns=", "?ns=bad%20name", "?ns=mine&since=-1", "?ns=mine&scope=nope", "?ns=mine&keys=a%20b", "?ns=mine&keys=" })
            Assert.Equal(HttpStatusCode.BadRequest, (await Assert.ThrowsAsync<HttpRequestException>(() => SseStream.OpenAsync(reader, $"api/v1/watch{query}"))).StatusCode);
        await using var allowed = await SseStream.OpenAsync(reader, "api/v1/watch?ns=mine");
        Assert.Equal("heartbeat", (await allowed.NextAsync("heartbeat")).EventType);
    }

    [Fact]
    public async Task Revoking_a_token_ends_its_stream_with_a_closing_event_and_it_cannot_reconnect()
    {
        await using var server = await TestServer.StartAsync(anonymousGrants: []);
        var admin = server.CreateClient((await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "admin.token"))).Trim());
        var created = await (await admin.PostAsync("api/v1/tokens", Json.Content("""{"name":"svc","grants":["config.read:svc"]}"""))).Content.ReadFromJsonAsync<JsonElement>();
        using var client = server.CreateClient(created.GetProperty("token").GetString());
        await using var watch = await SseStream.OpenAsync(client, "api/v1/watch?ns=svc");
        await watch.NextAsync("heartbeat");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/v1/tokens/{created.GetProperty("id").GetString()}")).StatusCode);
        var closing = await watch.NextAsync("closing", timeoutSeconds: 5);
        Assert.Contains("\"reason\":\"token\"", closing.Data);
        Assert.True(await watch.EndsAsync(5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<HttpRequestException>(() => SseStream.OpenAsync(client, "api/v1/watch?ns=svc"))).StatusCode);
    }

    [Fact]
    public async Task A_token_that_expires_ends_its_stream_when_it_expires()
    {
        await using var server = await TestServer.StartAsync(anonymousGrants: []);
        var admin = server.CreateClient((await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "admin.token"))).Trim());
        var created = await (await admin.PostAsync("api/v1/tokens", Json.Content("""{"name":"brief","grants":["config.read:svc"],"expiresIn":"2s"}"""))).Content.ReadFromJsonAsync<JsonElement>();
        using var client = server.CreateClient(created.GetProperty("token").GetString());
        await using var watch = await SseStream.OpenAsync(client, "api/v1/watch?ns=svc");
        var opened = System.Diagnostics.Stopwatch.StartNew();
        await watch.NextAsync("heartbeat");

        Assert.Contains("\"reason\":\"token\"", (await watch.NextAsync("closing", timeoutSeconds: 10)).Data);
        Assert.InRange(opened.ElapsedMilliseconds, 500, 6_000);
        Assert.True(await watch.EndsAsync(5));
    }

    [Fact]
    public async Task Stopping_the_server_closes_streams_with_a_retry_hint()
    {
        var server = await TestServer.StartAsync();
        var watch = await SseStream.OpenAsync(server.Http, "api/v1/watch?ns=stop");
        await watch.NextAsync("heartbeat");
        var stopping = server.DisposeAsync().AsTask();
        var closing = await watch.NextAsync("closing");
        Assert.Contains("\"reason\":\"shutdown\",\"retryAfterMs\":1000", closing.Data);
        await watch.DisposeAsync();
        await stopping;
    }

    [Fact]
    public async Task A_secret_is_masked_without_reveal_and_in_clear_with_it_audited_once_per_connection()
    {
        await using var server = await TestServer.StartAsync(o => o.Define(new SettingDefinition
            { Namespace = "vault", Key = "password", Type = SettingType.String, Sensitive = true }), masterKey: Strata.Security.MasterKey.Generate(), anonymousGrants: []);
        var admin = server.CreateClient((await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "admin.token"))).Trim());
        using var plain = server.CreateClient(await CreateTokenAsync(admin, "config.read:vault"));
        await using var masked = await SseStream.OpenAsync(plain, "api/v1/watch?ns=vault");
        await using var clear = await SseStream.OpenAsync(admin, "api/v1/watch?ns=vault");

        foreach (var secret in new[] { "hunter2", "hunter3" })
            Assert.True((await admin.PutAsync("api/v1/settings/vault/password", Json.Content($$"""{"value":"{{secret}}"}"""))).IsSuccessStatusCode);
        foreach (var secret in new[] { "hunter2", "hunter3" })
        {
            var hidden = (await masked.NextAsync()).Data;
            Assert.DoesNotContain(secret, hidden);
            Assert.Contains("\"value\":\"********\",\"masked\":true", hidden);
            Assert.Contains($"\"value\":\"{secret}\"", (await clear.NextAsync()).Data);
        }
        var audit = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?action=secret.reveal");
        Assert.Single(audit.GetProperty("audit").EnumerateArray());
    }

    [Fact]
    public async Task Heartbeats_say_how_far_the_stream_is_current()
    {
        await using var server = await TestServer.StartAsync(o => o.Watch.HeartbeatSeconds = 1);
        await using var watch = await SseStream.OpenAsync(server.Http, "api/v1/watch?ns=quiet");
        await watch.NextAsync("heartbeat");
        var elsewhere = await PutAsync(server, "loud", "k", "1");
        // The next heartbeats come from the timer: one of them is current through the unrelated commit.
        for (var i = 0; i < 5; i++)
        {
            var beat = JsonDocument.Parse((await watch.NextAsync("heartbeat", timeoutSeconds: 5)).Data).RootElement;
            if (beat.GetProperty("revision").GetInt64() == elsewhere) return;
        }
        Assert.Fail("No heartbeat carried the latest revision.");
    }

    private Task<long> PutAsync(string ns, string key, string json, string? scope = null) => PutAsync(_server, ns, key, json, scope);

    private static async Task<long> PutAsync(TestServer server, string ns, string key, string json, string? scope = null)
    {
        var response = await server.Http.PutAsync($"api/v1/settings/{ns}/{key}{(scope is null ? "" : $"?scope={scope}")}", Json.Content($$"""{"value":{{json}}}"""));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64();
    }

    private static async Task<string> CreateTokenAsync(HttpClient admin, string grant)
    {
        var response = await admin.PostAsync("api/v1/tokens", Json.Content($$"""{"name":"t{{Guid.NewGuid():N}}","grants":["{{grant}}"]}"""));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
