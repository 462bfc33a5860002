using Microsoft.Extensions.Configuration;

namespace Strata.Client.Mqtt;

/// <summary>The configuration source <see cref="StrataMqttConfigurationBuilderExtensions.AddStrataMqtt"/> adds: the
/// client's provider over the MQTT transport.</summary>
internal sealed class MqttConfigurationSource(StrataClientOptions options, MqttBroker broker) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new StrataConfigurationProvider(options, (verifier, log) => new MqttTransport(broker, options, verifier, log));
}
