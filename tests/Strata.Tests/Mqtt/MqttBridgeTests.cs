using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet.Protocol;
using Strata.Mqtt;
using Strata.Registry;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Mqtt;

/// <summary>The MQTT bridge against a real mosquitto, read by a real MQTTnet subscriber.</summary>
public sealed class MqttBridgeTests : IAsyncLifetime
{
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Each_commit_publishes_every_namespace_it_touched_in_revision_order_signed_and_retained_at_qos_1()
    {
        var prefix = Prefix();
        await using var subscriber = await MqttSubscriber.ConnectAsync(_broker.Port, prefix);
        await using var server = await ServeAsync(prefix);
        var key = await PublicKeyAsync(server);
        await ConnectedAsync(server, subscriber);

        var first = await PatchAsync(server, ("checkout", "max_items", "5"), ("features", "dark", "true"));
        var second = await PutAsync(server, "checkout", "max_items", "6");
        var third = await PutAsync(server, "features", "beta", "\"on\"");
        var received = await subscriber.UntilAsync(m => m.Revision == third);

        Assert.Equal([(first, "checkout"), (first, "features"), (second, "checkout"), (third, "features")],
            received.Select(m => (m.Revision, m.Namespace)));
        Assert.Equal([$"{prefix}/checkout", $"{prefix}/features", $"{prefix}/checkout", $"{prefix}/features"], received.Select(m => m.Topic));
        Assert.All(received, m => Assert.Equal((MqttQualityOfServiceLevel.AtLeastOnce, true, "updated"), (m.QoS, m.Retain, m.Event)));
        Assert.All(received, m => Assert.True(SseStream.Verifies(m.Text, key), m.Text));
        // The namespace's whole state at each revision, not just what changed.
        Assert.Equal("""{"currency":"EUR","max_items":5}""", received[0].Json.GetProperty("values").GetRawText());
        Assert.Equal("""{"currency":"EUR","max_items":6}""", received[2].Json.GetProperty("values").GetRawText());
        Assert.Equal("""{"beta":"on","dark":true}""", received[3].Json.GetProperty("values").GetRawText());
        Assert.Equal(["max_items"], received[2].Json.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(server.Engine.Signing.KeyId, received[0].Json.GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task A_signature_is_refused_when_any_one_byte_of_the_message_changes()
    {
        var prefix = Prefix();
        await using var subscriber = await MqttSubscriber.ConnectAsync(_broker.Port, prefix);
        await using var server = await ServeAsync(prefix);
        var key = await PublicKeyAsync(server);
        await ConnectedAsync(server, subscriber);
        var revision = await PutAsync(server, "checkout", "max_items", "50");
        var message = (await subscriber.UntilAsync(m => m.Revision == revision)).Last();
        Assert.True(SseStream.Verifies(message.Text, key));

        var signed = message.Payload.Length - 104;
        for (var i = 0; i < signed; i += 7)
        {
            var tampered = (byte[])message.Payload.Clone();
            tampered[i] ^= 0x01;
            Assert.False(SseStream.Verifies(Encoding.UTF8.GetString(tampered), key), $"byte {i} changed and it still verified");
        }
    }

    [Fact]
    public async Task A_subscriber_that_connects_later_gets_each_namespace_whole_current_state_retained()
    {
        var prefix = Prefix();
        await using var server = await ServeAsync(prefix);
        await using (var early = await MqttSubscriber.ConnectAsync(_broker.Port, prefix))
        {
            await ConnectedAsync(server, early);
            await PutAsync(server, "checkout", "max_items", "7");
            await PutAsync(server, "features", "dark", "false");
            var last = await PutAsync(server, "checkout", "banner", "\"sale\"");
            await early.UntilAsync(m => m.Revision == last);
        }

        await using var late = await MqttSubscriber.ConnectAsync(_broker.Port, prefix);
        var retained = new Dictionary<string, ReceivedMessage>();
        while (retained.Count < 3)
        {
            var m = await late.NextAsync();
            retained[m.Topic] = m;
        }

        Assert.All(retained.Values, m => Assert.True(m.Retain));
        Assert.Equal("""{"banner":"sale","currency":"EUR","max_items":7}""", retained[$"{prefix}/checkout"].Json.GetProperty("values").GetRawText());
        Assert.Equal("""{"dark":false}""", retained[$"{prefix}/features"].Json.GetProperty("values").GetRawText());
        Assert.Equal(await server.RevisionAsync(), retained[$"{prefix}/checkout"].Revision);
    }

    [Fact]
    public async Task A_secret_never_reaches_the_broker_and_is_named_as_withheld()
    {
        const string secret = "sk-mqtt-never-in-clear-4d1e";
        var prefix = Prefix();
        await using var subscriber = await MqttSubscriber.ConnectAsync(_broker.Port, prefix);
        await using var server = await ServeAsync(prefix);
        await ConnectedAsync(server, subscriber);

        var revision = await PatchAsync(server, ("billing", "api_key", $"\"{secret}\""), ("billing", "plan", "\"gold\""));
        var received = await subscriber.UntilAsync(m => m.Revision == revision);
        // After a reconnect the bridge republishes every namespace: still without the secret.
        await server.Engine.ReloadAsync("test");
        received.AddRange(await subscriber.UntilAsync(m => m.Event == "reloaded" && m.Namespace == "billing"));

        var billing = received.Where(m => m.Namespace == "billing").ToList();
        Assert.Equal(["updated", "reloaded"], billing.Select(m => m.Event).Distinct());
        Assert.All(received, m => Assert.DoesNotContain(secret, m.Text, StringComparison.Ordinal));
        Assert.All(billing, m => Assert.Equal("""{"plan":"gold"}""", m.Json.GetProperty("values").GetRawText()));
        Assert.All(billing, m => Assert.Equal(["api_key"], m.Json.GetProperty("withheld").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal(["api_key", "plan"], billing[0].Json.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_reload_republishes_every_namespace()
    {
        var prefix = Prefix();
        await using var subscriber = await MqttSubscriber.ConnectAsync(_broker.Port, prefix);
        await using var server = await ServeAsync(prefix);
        await ConnectedAsync(server, subscriber);
        await PutAsync(server, "features", "dark", "true");

        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostAsync("config/reload", null)).StatusCode);
        var reloaded = await subscriber.UntilAsync(m => m.Event == "reloaded" && m.Namespace == "features");

        Assert.Equal(["billing", "checkout", "features"], reloaded.Where(m => m.Event == "reloaded").Select(m => m.Namespace).Order());
        Assert.Equal("""{"dark":true}""", reloaded.Last().Json.GetProperty("values").GetRawText());
    }

    [Fact]
    public async Task A_broker_that_demands_credentials_gets_them_and_a_bridge_without_them_is_refused_but_the_server_stays_ready()
    {
        await using var broker = await MosquittoBroker.StartAsync("strata", "pa55-word");
        var prefix = Prefix();
        await using var subscriber = await MqttSubscriber.ConnectAsync(broker.Port, prefix, "strata", "pa55-word");
        await using var good = await ServeAsync(prefix, broker.Server, "--Strata:Mqtt:Username=strata", "--Strata:Mqtt:Password=pa55-word");
        await ConnectedAsync(good, subscriber);
        await using var bad = await ServeAsync(Prefix(), broker.Server, "--Strata:Mqtt:Username=strata", "--Strata:Mqtt:Password=wrong");

        await WaitForAsync(bad, s => s.State == MqttBridgeState.Disconnected && s.LastError is not null);
        var ready = await bad.Http.GetAsync("readyz");
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        // Between two attempts, or in the middle of the next one.
        Assert.Contains(body.GetProperty("mqtt").GetProperty("state").GetString(), new[] { "disconnected", "connecting" });
        Assert.Contains("NotAuthorized", body.GetProperty("mqtt").GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrong", body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("ok", (await (await good.Http.GetAsync("readyz")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_broker_killed_and_restarted_mid_writes_gets_every_revision_after_the_last_acknowledged_in_order_and_the_current_state()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        // The bridge reaches the broker through a relay that the test closes while the broker is down, so the new
        // subscriber is listening before the bridge comes back: then every message the bridge sends is seen.
        await using var relay = TcpRelay.Start(new IPEndPoint(IPAddress.Loopback, broker.Port));
        var prefix = Prefix();
        await using var before = await MqttSubscriber.ConnectAsync(broker.Port, prefix);
        await using var server = await ServeAsync(prefix, $"127.0.0.1:{relay.Endpoint.Port}");
        await ConnectedAsync(server, before);

        var committed = new List<long>();
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            // Bounded: the test stops it once the broker is back.
            for (var i = 0; i < 2000 && !writing.IsCancellationRequested; i++)
            {
                var revision = await PutAsync(server, i % 2 == 0 ? "checkout" : "features", "n", $"{i}");
                lock (committed) committed.Add(revision);
            }
        });
        await before.UntilAsync(m => m.Event == "updated" && m.Revision >= 10);
        relay.Target = null;
        await broker.KillAsync();
        await WaitForAsync(server, s => s.State == MqttBridgeState.Disconnected);
        var acknowledged = Status(server).Read().LastPublished!.Value;
        // Down: the server still commits and serves, and says the bridge is down without being unready.
        var during = await PutAsync(server, "checkout", "during", "true");
        var ready = await server.Http.GetAsync("readyz");
        var health = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains(health.GetProperty("mqtt").GetProperty("state").GetString(), new[] { "disconnected", "connecting" });
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("api/v1/settings/checkout/during")).StatusCode);

        await broker.RestartAsync();
        await using var after = await MqttSubscriber.ConnectAsync(broker.Port, prefix);
        relay.Target = new Uri($"http://127.0.0.1:{broker.Port}/");
        await WaitForAsync(server, s => s.State == MqttBridgeState.Connected);
        await writing.CancelAsync();
        await writer;
        var last = await server.RevisionAsync();
        var received = await after.UntilAsync(m => m.Event == "updated" && m.Revision == last, max: 5000);

        // First the whole state again, then every revision after the last acknowledged one, in order, none missing.
        var updates = received.SkipWhile(m => m.Event == "state").ToList();
        Assert.All(received.Take(received.Count - updates.Count), m => Assert.Equal("state", m.Event));
        Assert.All(updates, m => Assert.Equal("updated", m.Event));
        List<long> expected;
        lock (committed) expected = [.. committed.Where(r => r > acknowledged).Append(during).Order()];
        Assert.Equal(expected, updates.Select(m => m.Revision));
        Assert.Contains(during, updates.Select(m => m.Revision));

        await using var late = await MqttSubscriber.ConnectAsync(broker.Port, prefix);
        var retained = new Dictionary<string, ReceivedMessage>();
        while (retained.Count < 3)
        {
            var m = await late.NextAsync();
            retained[m.Namespace] = m;
        }
        foreach (var ns in new[] { "checkout", "features" })
        {
            var current = await server.Http.GetFromJsonAsync<JsonElement>($"api/v1/settings/{ns}/n");
            Assert.Equal(current.GetProperty("value").GetRawText(), retained[ns].Json.GetProperty("values").GetProperty("n").GetRawText());
        }
    }

    private static string Prefix() => $"strata-test/{Guid.NewGuid():N}";

    private Task<TestServer> ServeAsync(string prefix, string? broker = null, params string[] extra) =>
        TestServer.StartAsync(o =>
            {
                o.Define(new SettingDefinition { Namespace = "checkout", Key = "currency", Type = SettingType.String, Default = "EUR" });
                o.Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true });
            },
            hostArgs: [$"--Strata:Mqtt:Server={broker ?? _broker.Server}", $"--Strata:Mqtt:TopicPrefix={prefix}", .. extra],
            masterKey: MasterKey.Generate());

    /// <summary>The bridge is connected once it has republished the defined namespaces' state.</summary>
    private static async Task ConnectedAsync(TestServer server, MqttSubscriber subscriber)
    {
        var seen = new HashSet<string>();
        while (seen.Count < 2)
        {
            var m = await subscriber.NextAsync();
            Assert.Equal("state", m.Event);
            seen.Add(m.Namespace);
        }
        await WaitForAsync(server, s => s.LastPublished is not null);
    }

    private static MqttBridgeStatus Status(TestServer server) => server.Services.GetRequiredService<MqttBridgeStatus>();

    private static async Task WaitForAsync(TestServer server, Func<(MqttBridgeState State, long? LastPublished, string? LastError), bool> condition)
    {
        var status = Status(server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var changed = status.Changed;
            if (condition(status.Read())) return;
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The bridge never reached the state awaited; it is {status.Read()}.");
            }
        }
    }

    private static async Task<string> PublicKeyAsync(TestServer server) =>
        (await server.Http.GetFromJsonAsync<JsonElement>("api/v1/signing-key")).GetProperty("publicKey").GetString()!;

    private static async Task<long> PutAsync(TestServer server, string ns, string key, string json)
    {
        var response = await server.Http.PutAsync($"api/v1/settings/{ns}/{key}", Json.Content($$"""{"value":{{json}}}"""));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64();
    }

    private static async Task<long> PatchAsync(TestServer server, params (string Namespace, string Key, string Json)[] changes)
    {
        var body = $$"""{"changes":[{{string.Join(",", changes.Select(c => $$"""{"namespace":"{{c.Namespace}}","key":"{{c.Key}}","value":{{c.Json}}}"""))}}]}""";
        var response = await server.Http.PatchAsync("api/v1/settings", Json.Content(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64();
    }
}
