using Strata.Tests.Infrastructure;

namespace Strata.Tests.Mqtt;

/// <summary><c>strata serve</c> (the real executable) turns the MQTT bridge on from configuration.</summary>
public sealed class MqttServeTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Serve_publishes_to_the_broker_named_by_Strata_Mqtt_Server_in_the_environment()
    {
        var prefix = $"serve-test/{Guid.NewGuid():N}";
        await using var subscriber = await MqttSubscriber.ConnectAsync(_broker.Port, prefix);
        var defs = _dir.Write("defs.yaml", "namespaces:\n  checkout:\n    settings:\n      max_items:\n        type: int\n        default: 50\n");
        var (process, _, output) = await StrataProcess.ServeAsync(_dir.File("data"),
            new Dictionary<string, string> { ["Strata__Mqtt__Server"] = _broker.Server, ["Strata__Mqtt__TopicPrefix"] = prefix }, "--definitions", defs);
        using (process)
        {
            try
            {
                var message = await subscriber.NextAsync(TimeSpan.FromSeconds(30));

                Assert.Equal(($"{prefix}/checkout", "state"), (message.Topic, message.Event));
                Assert.Equal("""{"max_items":50}""", message.Json.GetProperty("values").GetRawText());
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        Assert.DoesNotContain("Exception", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_refuses_to_start_with_a_broker_address_that_has_no_valid_port()
    {
        var (exit, _, err) = await StrataProcess.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--data", _dir.File("data"),
            "--Strata:Mqtt:Server=broker:not-a-port");

        Assert.NotEqual(0, exit);
        Assert.Contains("Strata:Mqtt:Server 'broker:not-a-port' has no valid port", err, StringComparison.Ordinal);
    }
}
