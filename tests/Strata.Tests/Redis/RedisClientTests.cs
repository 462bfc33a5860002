using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using Strata.Client;
using Strata.Tests.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Redis;

/// <summary>Strata.Client over Redis (<c>AddStrataRedis</c>): loads and follows what the server's bridge publishes,
/// without the server's HTTP API, with the same reload, last-known-good and signature rules.</summary>
public sealed class RedisClientTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly string _lastKnownGoodKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly CapturedLog _log = new();
    private BridgedServer _bridged = null!;
    private string _signingKey = null!;

    public async Task InitializeAsync()
    {
        _bridged = await BridgedServer.StartAsync(redis.Configuration);
        _signingKey = await StrataClient.SigningKeyAsync(_bridged.Server.Address);
        await _bridged.PutAsync("checkout", "max_items", "50");
        await _bridged.PutAsync("checkout", "limits", """{"rps": 10}""");
        await _bridged.WaitPublishedAsync(await _bridged.PutAsync("features", "dark_mode", "true"));
    }

    public async Task DisposeAsync()
    {
        await _bridged.DisposeAsync();
        _dir.Dispose();
    }

    private Task<IConfigurationRoot> ClientAsync(string? configuration = null, Action<StrataRedisClientOptions>? configure = null)
    {
        var builder = new ConfigurationBuilder().AddStrataRedis(o =>
        {
            o.Configuration = configuration ?? redis.Configuration;
            o.SnapshotKey = _bridged.SnapshotKey;
            o.Channel = _bridged.Channel;
            o.Namespaces = ["checkout"];
            o.SigningKey = _signingKey;
            o.LastKnownGoodPath = _dir.File("checkout.lkg");
            o.LastKnownGoodKey = _lastKnownGoodKey;
            o.StartupTimeout = TimeSpan.FromSeconds(20);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(2);
            o.LoggerFactory = _log.Factory;
            configure?.Invoke(o);
        });
        // Load() waits for Redis: off the test's thread, as a host's start-up would be.
        return Task.Run(builder.Build);
    }

    [Fact]
    public async Task The_client_loads_its_namespaces_from_redis_and_reloads_on_each_commit()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var reloads = new ReloadRecorder(config, "checkout:max_items");

        Assert.Equal(("50", "10", null), (config["checkout:max_items"], config["checkout:limits:rps"], config["features:dark_mode"]));
        Assert.Equal((StrataDataSource.Server, await _bridged.Server.RevisionAsync()), (config.GetStrataStatus().Source, config.GetStrataStatus().Revision));
        config.Require("checkout:max_items");

        var revision = await _bridged.PutAsync("checkout", "max_items", "60");
        await reloads.WaitForRevisionAsync(revision);

        Assert.Equal("60", config["checkout:max_items"]);
        Assert.True(config.GetStrataStatus().Connected);
        Assert.Contains(reloads.Reloads, r => r == (revision, "60"));
    }

    [Fact]
    public async Task With_redis_down_at_start_up_the_client_starts_from_its_last_known_good_file()
    {
        var saved = await _bridged.Server.RevisionAsync();
        var first = await ClientAsync();
        var store = StrataConfigurationExtensions.FindProvider(first)!.LastKnownGood!;
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Saved += r => { if (r >= saved) written.TrySetResult(); };
        if (!store.Exists || store.Load()?.Revision < saved) await written.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ((IDisposable)first).Dispose();

        // A port nothing listens on: Redis is down.
        using var nobody = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        nobody.Start();
        var port = ((System.Net.IPEndPoint)nobody.LocalEndpoint).Port;
        nobody.Stop();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = await ClientAsync($"127.0.0.1:{port}");
        using var _ = (IDisposable)config;

        Assert.InRange(clock.ElapsedMilliseconds, 0, 10_000);
        Assert.Equal((StrataDataSource.LastKnownGood, saved), (config.GetStrataStatus().Source, config.GetStrataStatus().Revision));
        Assert.Equal("50", config["checkout:max_items"]);
    }

    [Fact]
    public async Task A_snapshot_whose_signature_does_not_verify_is_refused_and_the_old_values_stay()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        var applied = config.GetStrataStatus().Revision;
        await using var listener = await RedisListener.StartAsync(redis.Configuration, _bridged.Channel);
        var db = listener.Db;

        // Redis is writable by whoever reaches it: a forged value, and a genuine signed message that makes the client read it.
        var genuine = Encoding.UTF8.GetString((byte[])(await db.StringGetAsync(_bridged.SnapshotKey))!);
        var forged = genuine.Replace($"\"revision\":{applied},", $"\"revision\":{applied + 1},", StringComparison.Ordinal).Replace("\"value\":50,", "\"value\":99,", StringComparison.Ordinal);
        Assert.NotEqual(genuine, forged);
        await db.StringSetAsync(_bridged.SnapshotKey, forged);
        var message = Strata.Watch.SignedJson.Write(_bridged.Server.Engine.Signing, applied + 1, static (w, r) =>
        {
            w.WriteString("event", "updated");
            w.WriteNumber("version", r);
            w.WriteStartArray("changed");
            w.WriteStringValue("checkout/max_items");
            w.WriteEndArray();
        });
        await db.PublishAsync(RedisChannel.Literal(_bridged.Channel), message);
        await _log.WaitForAsync(1152);

        Assert.Equal("50", config["checkout:max_items"]);
        Assert.Equal((applied, 1L), (config.GetStrataStatus().Revision, config.GetStrataStatus().RejectedSignatures));
    }

    [Fact]
    public async Task A_message_whose_signature_does_not_verify_is_ignored()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        await using var listener = await RedisListener.StartAsync(redis.Configuration, _bridged.Channel);

        await listener.Db.PublishAsync(RedisChannel.Literal(_bridged.Channel), """{"event":"updated","version":999999,"changed":[]}""");
        await _log.WaitForAsync(1153);

        Assert.Equal(1L, config.GetStrataStatus().RejectedSignatures);
        Assert.Equal("50", config["checkout:max_items"]);
    }

    [Fact]
    public void Options_without_redis_or_namespaces_are_refused_naming_the_option()
    {
        var noRedis = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddStrataRedis(o => { o.Namespaces = ["checkout"]; o.SigningKey = _signingKey; }));
        var noNamespace = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddStrataRedis(o => { o.Configuration = redis.Configuration; o.SigningKey = _signingKey; }));
        var noKey = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddStrataRedis(o => { o.Configuration = redis.Configuration; o.Namespaces = ["checkout"]; }));

        Assert.StartsWith("StrataRedisClientOptions.Configuration", noRedis.Message, StringComparison.Ordinal);
        Assert.StartsWith("StrataRedisClientOptions.Namespaces", noNamespace.Message, StringComparison.Ordinal);
        Assert.StartsWith("StrataRedisClientOptions.SigningKey", noKey.Message, StringComparison.Ordinal);
    }
}
