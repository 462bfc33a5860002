using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Redis;

/// <summary>The Redis bridge against a real redis-server, read and subscribed with a real StackExchange.Redis client.</summary>
public sealed class RedisBridgeTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Secret = "s3cret-never-in-redis-7f3a";

    [Fact]
    public async Task Every_commit_sets_the_snapshot_and_the_version_and_publishes_one_signed_message_in_revision_order()
    {
        await using var bridged = await BridgedServer.StartAsync(redis.Configuration);
        await bridged.WaitPublishedAsync(await bridged.Server.RevisionAsync());
        await using var listener = await RedisListener.StartAsync(redis.Configuration, bridged.Channel);

        // Concurrent writers: group commit makes several revisions per batch, each published on its own.
        var revisions = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => bridged.PutAsync(i % 3 == 0 ? "features" : "checkout", $"k{i}", $"{i}")));
        var last = revisions.Max();
        var messages = await listener.ReadThroughAsync(last);

        Assert.Equal(revisions.Order(), messages.Select(m => m.GetProperty("version").GetInt64()));
        Assert.All(messages, m => Assert.Equal("updated", m.GetProperty("event").GetString()));
        for (var i = 0; i < 24; i++)
        {
            var message = messages.Single(m => m.GetProperty("version").GetInt64() == revisions[i]);
            Assert.Equal([$"{(i % 3 == 0 ? "features" : "checkout")}/k{i}"], message.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        }
        var snapshot = await bridged.SignedDocumentAsync(listener.Db, bridged.SnapshotKey);
        Assert.Equal(last, snapshot.GetProperty("revision").GetInt64());
        Assert.Equal(["checkout", "features"], snapshot.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["global"], snapshot.GetProperty("scopes").EnumerateArray().Select(n => n.GetString()));
        var values = snapshot.GetProperty("settings").EnumerateArray().ToDictionary(s => $"{s.GetProperty("namespace").GetString()}/{s.GetProperty("key").GetString()}", s => s.GetProperty("value").GetInt32());
        Assert.Equal(24, values.Count);
        Assert.Equal(23, values["checkout/k23"]);
        Assert.Equal(last.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await listener.Db.StringGetAsync(bridged.VersionKey));
    }

    [Fact]
    public async Task Every_message_is_signed_by_the_server_and_a_changed_byte_fails_the_check()
    {
        await using var bridged = await BridgedServer.StartAsync(redis.Configuration);
        await bridged.WaitPublishedAsync(await bridged.Server.RevisionAsync());
        await using var listener = await RedisListener.StartAsync(redis.Configuration, bridged.Channel);

        await bridged.PutAsync("checkout", "max_items", "50");
        var message = await listener.NextAsync();

        Assert.True(bridged.Verifier.Verify(message));
        Assert.StartsWith("{\"event\":\"updated\",\"version\":", Encoding.UTF8.GetString(message), StringComparison.Ordinal);
        message[20] ^= 1;
        Assert.False(bridged.Verifier.Verify(message));
    }

    [Fact]
    public async Task Sensitive_values_never_reach_redis_neither_in_the_snapshots_nor_in_messages()
    {
        await using var bridged = await BridgedServer.StartAsync(redis.Configuration, SensitivePassword, perNamespace: true, masterKey: Strata.Security.MasterKey.Generate());
        await bridged.WaitPublishedAsync(await bridged.Server.RevisionAsync());
        await using var listener = await RedisListener.StartAsync(redis.Configuration, bridged.Channel);

        await bridged.PutAsync("checkout", "max_items", "5");
        var last = await bridged.PutAsync("checkout", "db_password", $"\"{Secret}\"");
        var messages = await listener.ReadThroughAsync(last);
        await bridged.WaitPublishedAsync(last);

        var server = listener.Connection.GetServer(redis.Configuration);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: bridged.Prefix + ":*")) keys.Add(key!);
        Assert.Equal([bridged.SnapshotKey, $"{bridged.SnapshotKey}:checkout", bridged.VersionKey], keys.Order(StringComparer.Ordinal));
        foreach (var key in keys) Assert.DoesNotContain(Secret, (string?)await listener.Db.StringGetAsync(key));
        Assert.All(messages, m => Assert.DoesNotContain(Secret, m.GetRawText()));
        // The key's name is no secret: consumers learn it changed, and read it from the server with secrets.reveal.
        Assert.Equal(["checkout/db_password"], messages[^1].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        foreach (var key in new[] { bridged.SnapshotKey, $"{bridged.SnapshotKey}:checkout" })
        {
            var snapshot = await bridged.SignedDocumentAsync(listener.Db, key);
            Assert.Equal(last, snapshot.GetProperty("revision").GetInt64());
            Assert.Equal(["max_items"], snapshot.GetProperty("settings").EnumerateArray().Select(s => s.GetProperty("key").GetString()));
        }
    }

    [Fact]
    public async Task A_per_namespace_snapshot_is_rewritten_only_when_a_commit_touches_its_namespace()
    {
        await using var bridged = await BridgedServer.StartAsync(redis.Configuration, perNamespace: true);
        var first = await bridged.PutAsync("checkout", "max_items", "5");
        var last = await bridged.PutAsync("features", "dark_mode", "true");
        await bridged.WaitPublishedAsync(last);
        await using var listener = await RedisListener.StartAsync(redis.Configuration, bridged.Channel);
        var db = listener.Db;

        var checkout = await bridged.SignedDocumentAsync(db, $"{bridged.SnapshotKey}:checkout");
        var features = await bridged.SignedDocumentAsync(db, $"{bridged.SnapshotKey}:features");

        Assert.Equal((first, "checkout"), (checkout.GetProperty("revision").GetInt64(), checkout.GetProperty("namespaces")[0].GetString()));
        Assert.Equal((last, "features"), (features.GetProperty("revision").GetInt64(), features.GetProperty("namespaces")[0].GetString()));
        Assert.Equal(["dark_mode"], features.GetProperty("settings").EnumerateArray().Select(s => s.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Config_reload_republishes_the_snapshot_with_a_reloaded_message_naming_every_key()
    {
        await using var bridged = await BridgedServer.StartAsync(redis.Configuration);
        await bridged.PutAsync("app", "LOG_LEVEL", "\"info\"");
        var last = await bridged.PutAsync("checkout", "max_items", "5");
        await bridged.WaitPublishedAsync(last);
        await using var listener = await RedisListener.StartAsync(redis.Configuration, bridged.Channel);
        await listener.Db.KeyDeleteAsync(bridged.SnapshotKey);

        var answer = await bridged.Server.PostJsonAsync("config/reload", "{}");
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        var message = await listener.NextAsync();

        Assert.True(bridged.Verifier.Verify(message));
        var parsed = JsonDocument.Parse(message).RootElement;
        Assert.Equal(("reloaded", last), (parsed.GetProperty("event").GetString(), parsed.GetProperty("version").GetInt64()));
        Assert.Equal(["app/LOG_LEVEL", "checkout/max_items"], parsed.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(last, (await bridged.SignedDocumentAsync(listener.Db, bridged.SnapshotKey)).GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task A_restarted_server_resumes_after_the_revision_redis_holds_and_publishes_each_one_once()
    {
        using var dir = new TempDirectory();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        long before;
        await using (var bridged = await BridgedServer.StartAsync(redis.Configuration, dir: dir, prefix: prefix))
        {
            before = await bridged.PutAsync("checkout", "max_items", "1");
            await bridged.WaitPublishedAsync(before);
        }
        // Commits the bridge never saw: the server ran without it.
        long[] missed;
        await using (var plain = await TestServer.StartAsync(dir: dir))
            missed = [.. await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
                (await (await plain.PutJsonAsync($"api/v1/settings/checkout/m{i}", "{\"value\": 1}")).ReadJsonAsync()).GetProperty("revision").GetInt64()))];
        await using var listener = await RedisListener.StartAsync(redis.Configuration, $"{prefix}:config_channel");

        await using var again = await BridgedServer.StartAsync(redis.Configuration, dir: dir, prefix: prefix);
        var messages = await listener.ReadThroughAsync(missed.Max());

        Assert.Equal(missed.Order(), messages.Select(m => m.GetProperty("version").GetInt64()));
        Assert.All(messages, m => Assert.Equal("updated", m.GetProperty("event").GetString()));
        Assert.Equal(missed.Max(), (await again.SignedDocumentAsync(listener.Db, again.SnapshotKey)).GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task Strata_serve_turns_the_bridge_on_when_the_environment_names_redis()
    {
        using var dir = new TempDirectory();
        var prefix = "e" + Guid.NewGuid().ToString("N")[..8];
        await using var listener = await RedisListener.StartAsync(redis.Configuration, $"{prefix}:config_channel");
        var (process, address, _) = await StrataProcess.ServeAsync(dir.Path, new Dictionary<string, string>
        {
            ["Strata__Redis__Configuration"] = redis.Configuration,
            ["Strata__Redis__SnapshotKey"] = $"{prefix}:config",
            ["Strata__Redis__VersionKey"] = $"{prefix}:config:version",
            ["Strata__Redis__Channel"] = $"{prefix}:config_channel",
        });
        try
        {
            // Nothing was published under these keys yet: the bridge writes the whole state, and says so.
            var first = JsonDocument.Parse(await listener.NextAsync()).RootElement;
            Assert.Equal(("reloaded", 0L), (first.GetProperty("event").GetString(), first.GetProperty("version").GetInt64()));
            using var http = new HttpClient { BaseAddress = address };
            var ready = await (await http.GetAsync("readyz")).ReadJsonAsync();
            Assert.Equal("healthy", ready.GetProperty("redis").GetProperty("status").GetString());
        }
        finally
        {
            await Strata.Tests.Cli.CliProcess.StopAsync(process);
        }
    }

    [Fact]
    public void The_bridge_refuses_to_start_without_a_redis_configuration_and_names_the_option()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var empty = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();

        var error = Assert.Throws<ArgumentException>(() => services.AddStrataRedis(empty));

        Assert.StartsWith("Strata:Redis:Configuration must be", error.Message, StringComparison.Ordinal);
    }

    private static void SensitivePassword(StrataOptions o) =>
        o.Define(new SettingDefinition { Namespace = "checkout", Key = "db_password", Type = SettingType.String, Sensitive = true });
}
