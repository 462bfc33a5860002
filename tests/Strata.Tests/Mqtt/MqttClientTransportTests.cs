using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MQTTnet;
using MQTTnet.Protocol;
using Strata.Client;
using Strata.Registry;
using Strata.Tests.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Mqtt;

/// <summary>Strata.Client.Mqtt against the real bridge on a real mosquitto: load, follow, refuse, fall back.</summary>
public sealed class MqttClientTransportTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CapturedLog _log = new();
    private readonly string _prefix = $"strata-client-test/{Guid.NewGuid():N}";
    private MosquittoBroker _broker = null!;
    private TestServer _server = null!;
    private string _signingKey = "";

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _server = await TestServer.StartAsync(
            o => o.Define(new SettingDefinition { Namespace = "checkout", Key = "db_password", Type = SettingType.String, Sensitive = true }),
            hostArgs: [$"--Strata:Mqtt:Server={_broker.Server}", $"--Strata:Mqtt:TopicPrefix={_prefix}"],
            masterKey: Strata.Security.MasterKey.Generate());
        _signingKey = (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/signing-key")).GetProperty("publicKey").GetString()!;
        await PutAsync("checkout", "max_items", "50");
        await PutAsync("checkout", "db_password", "\"never-over-mqtt\"");
        await PutAsync("features", "dark", "true");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_client_loads_its_namespaces_from_retained_messages_and_applies_each_change_with_one_reload()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var reloads = new ReloadRecorder(config, "checkout:max_items");

        Assert.Equal("50", config["checkout:max_items"]);
        Assert.Equal("True", config["features:dark"], ignoreCase: true);
        Assert.Null(config["checkout:db_password"]);
        config.Require("checkout:max_items", "features:dark");
        Assert.Throws<MissingSettingsException>(() => config.Require("checkout:db_password"));
        Assert.Equal(StrataDataSource.Server, config.GetStrataStatus().Source);

        var revision = await PutAsync("checkout", "max_items", "60");
        await reloads.WaitForRevisionAsync(revision);

        // The follower marks itself connected before it applies anything.
        Assert.True(config.GetStrataStatus().Connected);

        Assert.Equal("60", config["checkout:max_items"]);
        Assert.Equal([(revision, "60")], reloads.Reloads);
    }

    [Fact]
    public async Task A_tampered_or_spliced_message_is_refused_counted_and_never_applied()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var reloads = new ReloadRecorder(config, "checkout:max_items");
        var revision = await PutAsync("checkout", "max_items", "61");
        await reloads.WaitForRevisionAsync(revision);
        var genuine = await RetainedAsync("checkout");
        var features = await RetainedAsync("features");

        // A relay that changes one byte (61 → 99, revision bumped so it would win), and one that moves another
        // namespace's signed message onto this topic.
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(genuine)
            .Replace("\"max_items\":61", "\"max_items\":99", StringComparison.Ordinal)
            .Replace($"\"revision\":{revision}", $"\"revision\":{revision + 1000}", StringComparison.Ordinal));
        await PublishAsync("checkout", tampered);
        await _log.WaitForAsync(722);
        await PublishAsync("checkout", features);
        await _log.WaitForAsync(723);
        var next = await PutAsync("checkout", "max_items", "62");
        await reloads.WaitForRevisionAsync(next);

        Assert.Equal(1, config.GetStrataStatus().RejectedSignatures);
        Assert.DoesNotContain(reloads.Reloads, r => r.Value == "99");
        Assert.Equal("62", config["checkout:max_items"]);
    }

    [Fact]
    public async Task With_the_broker_down_at_start_the_client_serves_its_last_known_good_file_degraded_then_catches_up()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var file = _dir.File("lkg/config.lkg");
        var first = await ClientAsync(o => { o.LastKnownGoodPath = file; o.LastKnownGoodKey = key; });
        var saved = first.GetStrataStatus().Revision;
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StrataConfigurationExtensions.FindProvider(first)!.LastKnownGood!.Saved += r => { if (r >= saved) written.TrySetResult(); };
        // Saved is raised once the file is written: if it is there, it was raised already.
        if (!File.Exists(file)) await written.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ((IDisposable)first).Dispose();

        await _broker.KillAsync();
        var missed = await PutAsync("checkout", "max_items", "75");
        var config = await ClientAsync(o => { o.LastKnownGoodPath = file; o.LastKnownGoodKey = key; o.StartupTimeout = TimeSpan.FromSeconds(2); });
        using var _ = (IDisposable)config;
        using var reloads = new ReloadRecorder(config, "checkout:max_items");
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddHealthChecks().AddStrataClient().Services.BuildServiceProvider();
        var health = services.GetRequiredService<HealthCheckService>();

        Assert.Equal((StrataDataSource.LastKnownGood, saved), (config.GetStrataStatus().Source, config.GetStrataStatus().Revision));
        Assert.NotEqual("75", config["checkout:max_items"]);
        Assert.NotNull(config["checkout:max_items"]);
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status);

        await _broker.RestartAsync();
        await reloads.WaitForRevisionAsync(missed);

        Assert.Equal("75", config["checkout:max_items"]);
        Assert.Equal(StrataDataSource.Server, config.GetStrataStatus().Source);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
    }

    private Task<IConfigurationRoot> ClientAsync(Action<StrataMqttClientOptions>? configure = null)
    {
        var builder = new ConfigurationBuilder().AddStrataMqtt(o =>
        {
            o.Server = _broker.Server;
            o.TopicPrefix = _prefix;
            o.Namespaces = ["checkout", "features"];
            o.SigningKey = _signingKey;
            o.StartupTimeout = TimeSpan.FromSeconds(20);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(1);
            o.LoggerFactory = _log.Factory;
            configure?.Invoke(o);
        });
        return Task.Run(builder.Build);
    }

    private async Task<byte[]> RetainedAsync(string ns)
    {
        await using var subscriber = await MqttSubscriber.ConnectAsync(_broker.Port, $"{_prefix}/{ns}");
        return (await subscriber.NextAsync()).Payload;
    }

    private async Task PublishAsync(string ns, byte[] payload)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).Build(), timeout.Token);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{_prefix}/{ns}").WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);
        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
    }

    private async Task<long> PutAsync(string ns, string key, string json)
    {
        var answer = await _server.PutJsonAsync($"api/v1/settings/{ns}/{key}", $$"""{"value": {{json}}}""");
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64();
    }
}
