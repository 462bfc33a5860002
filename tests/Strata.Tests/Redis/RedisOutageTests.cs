using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Strata.Client;
using Strata.Tests.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Redis;

/// <summary>Redis killed (its data gone) and started again on the same port while the server goes on committing.</summary>
public sealed class RedisOutageTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task After_a_redis_restart_mid_writes_the_snapshot_is_current_and_every_revision_after_the_last_published_arrives_in_order()
    {
        // The bridge reaches Redis through a relay, so the test decides when it gets back: after the test's own
        // subscriber has resubscribed, so that no message is published before anyone listens.
        await using var relay = TcpRelay.Start(new IPEndPoint(IPAddress.Loopback, redis.Port));
        await using var bridged = await BridgedServer.StartAsync($"127.0.0.1:{relay.Endpoint.Port}");
        await bridged.WaitPublishedAsync(await bridged.Server.RevisionAsync());
        await using var listener = await RedisListener.StartAsync(redis.Configuration, bridged.Channel);
        var revisions = new List<long>();

        for (var i = 0; i < 10; i++) revisions.Add(await bridged.PutAsync("checkout", "max_items", $"{i}"));
        await bridged.WaitPublishedAsync(revisions[^1]);

        relay.Target = null;
        relay.DropAll();
        await redis.KillAsync();
        await bridged.WaitConnectedAsync(false);
        // The server is unaffected: it commits and serves, and /readyz is still 200, saying the bridge is degraded.
        for (var i = 10; i < 20; i++) revisions.Add(await bridged.PutAsync("checkout", "max_items", $"{i}"));
        var ready = await bridged.Server.Http.GetAsync("readyz");
        var health = await ready.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(("degraded", "healthy", "degraded", false), (health.GetProperty("status").GetString(), health.GetProperty("store").GetProperty("status").GetString(),
            health.GetProperty("redis").GetProperty("status").GetString(), health.GetProperty("redis").GetProperty("connected").GetBoolean()));
        Assert.Equal(revisions[9], health.GetProperty("redis").GetProperty("lastPublishedRevision").GetInt64());
        Assert.Equal("19", (await (await bridged.Server.Http.GetAsync("api/v1/settings/checkout/max_items")).ReadJsonAsync()).GetProperty("value").GetRawText());

        await redis.RestartAsync();
        await listener.WaitSubscribedAsync();
        relay.Target = new Uri($"http://127.0.0.1:{redis.Port}");
        // Written while the bridge reconnects and catches up.
        for (var i = 20; i < 30; i++) revisions.Add(await bridged.PutAsync("checkout", "max_items", $"{i}"));
        var messages = await listener.ReadThroughAsync(revisions[^1]);

        // Before the outage: each revision once. After it: every revision after the last one published, in order.
        Assert.Equal(revisions, messages.Select(m => m.GetProperty("version").GetInt64()));
        await bridged.WaitPublishedAsync(revisions[^1]);
        var snapshot = await bridged.SignedDocumentAsync(listener.Db, bridged.SnapshotKey);
        Assert.Equal(revisions[^1], snapshot.GetProperty("revision").GetInt64());
        Assert.Equal(29, snapshot.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "max_items").GetProperty("value").GetInt32());
        var after = await (await bridged.Server.Http.GetAsync("readyz")).ReadJsonAsync();
        Assert.Equal(("healthy", true), (after.GetProperty("redis").GetProperty("status").GetString(), after.GetProperty("redis").GetProperty("connected").GetBoolean()));
    }

    [Fact]
    public async Task A_client_on_redis_keeps_its_values_through_a_redis_restart_says_it_is_disconnected_and_catches_up()
    {
        await redis.RestartAsync();
        await using var bridged = await BridgedServer.StartAsync(redis.Configuration);
        await bridged.WaitPublishedAsync(await bridged.PutAsync("checkout", "max_items", "50"));
        var log = new CapturedLog();
        var signingKey = await StrataClient.SigningKeyAsync(bridged.Server.Address);
        var config = await Task.Run(new ConfigurationBuilder().AddStrataRedis(o =>
        {
            o.Configuration = redis.Configuration;
            o.SnapshotKey = bridged.SnapshotKey;
            o.Channel = bridged.Channel;
            o.Namespaces = ["checkout"];
            o.SigningKey = signingKey;
            o.MaxReconnectDelay = TimeSpan.FromSeconds(1);
            o.LoggerFactory = log.Factory;
        }).Build);
        using var _ = (IDisposable)config;
        using var reloads = new ReloadRecorder(config, "checkout:max_items");
        var health = new Strata.Client.Internal.StrataClientHealthCheck(config);

        await redis.KillAsync();
        await log.WaitForAsync(1154);
        Assert.Equal(("50", false), (config["checkout:max_items"], config.GetStrataStatus().Connected));
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var revision = await bridged.PutAsync("checkout", "max_items", "70");

        log.Clear();
        await redis.RestartAsync();
        await reloads.WaitForRevisionAsync(revision);
        await log.WaitForAsync(1150);

        Assert.Equal("70", config["checkout:max_items"]);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
    }
}
