using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Strata.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

/// <summary>Connection loss, dead streams, bad signatures, resets and closings: the client keeps its last values,
/// reconnects, resumes from the last applied revision and applies every revision once, in order.</summary>
public sealed class ClientReconnectTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private TcpRelay _relay = null!;
    private readonly CapturedLog _log = new();

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Watch.HeartbeatSeconds = 1);
        _relay = TcpRelay.Start(_server.Address);
        await PutAsync("checkout", "banner", "\"start\"");
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<IConfigurationRoot> ClientAsync(Action<StrataClientOptions>? configure = null) =>
        StrataClient.BuildAsync(_server.Address, o =>
        {
            o.LoggerFactory = _log.Factory;
            o.HeartbeatInterval = TimeSpan.FromSeconds(1);
            configure?.Invoke(o);
        }, via: _relay.Address);

    private Task<long> PutAsync(string ns, string key, string json) => PutAsync(_server, ns, key, json);

    private static async Task<long> PutAsync(TestServer server, string ns, string key, string json)
    {
        var answer = await server.PutJsonAsync($"api/v1/settings/{ns}/{key}", $$"""{"value": {{json}}}""");
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    [Fact]
    public async Task An_event_with_a_bad_signature_is_rejected_never_applied_and_the_client_resumes_from_the_last_applied_revision()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:banner");
        var before = await PutAsync("checkout", "banner", "\"clean\"");
        await recorder.WaitForRevisionAsync(before);

        // "poisoned-1" reaches the client as "poisoned-0", under the original signature.
        var flipped = _relay.FlipOnceAfter("poisoned-", 0);
        var poisoned = await PutAsync("checkout", "banner", "\"poisoned-1\"");
        await flipped.WaitAsync(TimeSpan.FromSeconds(30));
        await recorder.WaitForRevisionAsync(poisoned);

        // The flipped document ("poisoned-0") never reached configuration; the replayed, intact one did, once.
        Assert.Equal([(before, "clean"), (poisoned, "poisoned-1")], recorder.Reloads);
        Assert.Equal(1, config.GetStrataStatus().RejectedSignatures);
        await _log.WaitForAsync(3);
        Assert.DoesNotContain("poisoned", _log.Text);
        Assert.DoesNotContain("clean", _log.Text);
    }

    [Fact]
    public async Task Every_revision_is_applied_once_in_order_across_repeated_connection_cuts()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:max_items");
        var committed = new List<(long, string?)>();

        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 4; i++) committed.Add(await PutNextAsync());
            _log.Clear();
            _relay.DropAll();
            // Writes go straight to the server and go on while the client's watch is down.
            for (var i = 0; i < 4; i++) committed.Add(await PutNextAsync());
            await _log.WaitForAsync(1);
        }
        await recorder.WaitForRevisionAsync(committed[^1].Item1, seconds: 60);

        Assert.Equal(committed, recorder.Reloads);

        async Task<(long, string?)> PutNextAsync()
        {
            var value = $"{committed.Count + 1}";
            return (await PutAsync("checkout", "max_items", value), value);
        }
    }

    [Fact]
    public async Task A_silent_stream_is_treated_as_dead_after_three_heartbeat_intervals_and_reopened()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:banner");
        // The watch opens in the background: freeze the connection it is on, not one made after the freeze.
        await _log.WaitForAsync(1);

        var withheld = _relay.FreezeAll();
        var revision = await PutAsync("checkout", "banner", "\"after the freeze\"");
        await withheld.WaitAsync(TimeSpan.FromSeconds(30));
        await recorder.WaitForRevisionAsync(revision);

        Assert.Equal("after the freeze", config["checkout:banner"]);
        await _log.WaitForAsync(2, "no event or heartbeat");
    }

    [Fact]
    public async Task A_disconnected_client_keeps_its_values_reports_degraded_and_catches_up_on_reconnect()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:banner");
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddHealthChecks().AddStrataClient().Services.BuildServiceProvider();
        var health = services.GetRequiredService<HealthCheckService>();
        var first = await PutAsync("checkout", "banner", "\"one\"");
        await recorder.WaitForRevisionAsync(first);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        _log.Clear();
        _relay.Target = null;
        _relay.DropAll();
        await _log.WaitForAsync(2);
        var missed = await PutAsync("checkout", "banner", "\"two\"");

        Assert.Equal("one", config["checkout:banner"]);
        var status = config.GetStrataStatus();
        Assert.False(status.Connected);
        Assert.NotNull(status.LastError);
        var degraded = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(first, (long)degraded.Entries["strata-client"].Data["revision"]);

        _relay.Target = _server.Address;
        await recorder.WaitForRevisionAsync(missed, seconds: 60);

        Assert.Equal("two", config["checkout:banner"]);
        Assert.Equal([(first, "one"), (missed, "two")], recorder.Reloads);
    }

    [Fact]
    public async Task A_config_reload_resets_the_watch_and_the_client_reloads_its_snapshot_then_follows_on()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:banner");
        var revision = await PutAsync("checkout", "banner", "\"kept\"");
        await recorder.WaitForRevisionAsync(revision);
        _log.Clear();

        var reload = await _server.Http.PostAsync("config/reload", null);
        Assert.True(reload.IsSuccessStatusCode, await reload.Content.ReadAsStringAsync());
        await _log.WaitForAsync(5);
        var next = await PutAsync("checkout", "banner", "\"after reset\"");
        await recorder.WaitForRevisionAsync(next);

        Assert.Equal("after reset", config["checkout:banner"]);
        Assert.Equal(next, config.GetStrataStatus().Revision);
        Assert.All(recorder.Reloads, r => Assert.True(r.Value is "kept" or "after reset"));
    }

    [Fact]
    public async Task A_store_replaced_behind_the_client_resets_it_to_the_new_servers_snapshot()
    {
        var seed = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var first = await TestServer.StartAsync(o => o.EnvironmentVariables![Strata.Security.SigningKey.Variable] = seed);
        await using var second = await TestServer.StartAsync(o => o.EnvironmentVariables![Strata.Security.SigningKey.Variable] = seed);
        for (var i = 0; i < 5; i++) await PutAsync(first, "checkout", "banner", $"\"first {i}\"");
        var secondRevision = await PutAsync(second, "checkout", "banner", "\"second\"");
        await using var relay = TcpRelay.Start(first.Address);
        var config = await StrataClient.BuildAsync(first.Address, o => o.LoggerFactory = _log.Factory, via: relay.Address);
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:banner");
        Assert.Equal(5, config.GetStrataStatus().Revision);

        relay.Target = second.Address;
        relay.DropAll();
        await _log.WaitForAsync(5, "after the current revision");
        // The reset's snapshot is applied before anything newer is written to the second server.
        await _log.WaitForAsync(4, $"applied revision {secondRevision} (");
        var next = await PutAsync(second, "checkout", "banner", "\"second, next\"");
        await recorder.WaitForRevisionAsync(next);

        Assert.Equal(secondRevision, recorder.Reloads[0].Revision);
        Assert.Equal("second", recorder.Reloads[0].Value);
        Assert.Equal((next, "second, next"), recorder.Reloads[^1]);
    }

    [Fact]
    public async Task A_revoked_token_closes_the_stream_and_the_client_keeps_its_values_and_says_why()
    {
        const string admin = "client-reconnect-admin-0123456789abcdef";
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = admin, anonymousGrants: []);
        using var http = server.CreateClient(admin);
        var created = await (await http.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "svc", grants = new[] { "config.read:checkout", "config.read:features" } }))).ReadJsonAsync();
        await http.PutAsync("api/v1/settings/checkout/banner", JsonContent.Create(new { value = "before" }));
        var config = await StrataClient.BuildAsync(server.Address, o => { o.Token = created.GetProperty("token").GetString(); o.LoggerFactory = _log.Factory; });
        using var _ = (IDisposable)config;
        await _log.WaitForAsync(1);

        Assert.True((await http.DeleteAsync($"api/v1/tokens/{created.GetProperty("id").GetString()}")).IsSuccessStatusCode);
        await _log.WaitForAsync(6, "token");
        await _log.WaitForAsync(2, "401");

        Assert.Equal("before", config["checkout:banner"]);
        Assert.Contains("StrataClientOptions.Token", config.GetStrataStatus().LastError);
    }
}
