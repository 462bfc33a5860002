using Strata.Client;
using Strata.Client.Mqtt;
using Strata.Mqtt;

namespace Strata.Tests.Mqtt;

/// <summary>How the bridge and the client read <c>Server</c> and <c>TopicPrefix</c>, and refuse what they cannot use.</summary>
public sealed class MqttAddressTests
{
    [Theory]
    [InlineData("broker:1884", false, "broker", 1884)]
    [InlineData("broker", false, "broker", 1883)]
    [InlineData("broker", true, "broker", 8883)]
    [InlineData("[::1]:1885", false, "::1", 1885)]
    [InlineData("::1", false, "::1", 1883)]
    [InlineData(" 127.0.0.1:1883 ", false, "127.0.0.1", 1883)]
    public void The_bridge_and_the_client_read_the_server_the_same_way(string server, bool tls, string host, int port)
    {
        var bridge = MqttEndpoint.From(new StrataMqttOptions { Server = server, UseTls = tls });
        var (_, client) = MqttClientSettings.Validate(new StrataMqttClientOptions { Server = server, UseTls = tls, Namespaces = ["checkout"], SigningKey = Key }, "configure");

        Assert.Equal((host, port), (bridge.Host, bridge.Port));
        Assert.Equal((host, port), (client.Host, client.Port));
    }

    [Theory]
    [InlineData("broker:port")]
    [InlineData("broker:0")]
    [InlineData("broker:70000")]
    [InlineData(":1883")]
    [InlineData("")]
    public void A_server_without_a_usable_host_or_port_is_refused_naming_the_option(string server)
    {
        var bridge = Assert.Throws<InvalidOperationException>(() => MqttEndpoint.From(new StrataMqttOptions { Server = server }));
        var client = Assert.Throws<ArgumentException>(() =>
            MqttClientSettings.Validate(new StrataMqttClientOptions { Server = server, Namespaces = ["checkout"], SigningKey = Key }, "configure"));

        Assert.Contains("Strata:Mqtt:Server", bridge.Message, StringComparison.Ordinal);
        Assert.Contains("StrataMqttClientOptions.Server", client.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fleet/#")]
    [InlineData("fleet/+/config")]
    [InlineData("$SYS/config")]
    [InlineData("/")]
    public void A_topic_prefix_with_a_wildcard_or_a_system_topic_is_refused(string prefix)
    {
        Assert.Throws<InvalidOperationException>(() => MqttEndpoint.From(new StrataMqttOptions { Server = "broker", TopicPrefix = prefix }));
        Assert.Throws<ArgumentException>(() =>
            MqttClientSettings.Validate(new StrataMqttClientOptions { Server = "broker", TopicPrefix = prefix, Namespaces = ["checkout"], SigningKey = Key }, "configure"));
    }

    [Fact]
    public void A_namespace_topic_is_the_prefix_and_the_namespace_in_lower_case_on_both_sides()
    {
        var bridge = MqttEndpoint.From(new StrataMqttOptions { Server = "broker", TopicPrefix = "fleet/config/" });
        var (_, client) = MqttClientSettings.Validate(new StrataMqttClientOptions { Server = "broker", TopicPrefix = "fleet/config/", Namespaces = ["Checkout"], SigningKey = Key }, "configure");

        Assert.Equal("fleet/config/checkout", bridge.Topic("Checkout"));
        Assert.Equal("fleet/config/checkout", client.Topic("Checkout"));
    }

    [Fact]
    public void The_client_password_never_shows_in_its_settings_text()
    {
        var (_, client) = MqttClientSettings.Validate(new StrataMqttClientOptions { Server = "broker", Username = "u", Password = "pa55-secret", Namespaces = ["checkout"], SigningKey = Key }, "configure");

        Assert.DoesNotContain("pa55-secret", client.ToString(), StringComparison.Ordinal);
    }

    private static readonly string Key = NewPublicKey();

    private static string NewPublicKey()
    {
        using var key = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519);
        return Convert.ToBase64String(key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey));
    }
}
