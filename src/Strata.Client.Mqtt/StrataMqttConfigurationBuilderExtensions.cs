using Microsoft.Extensions.Configuration;
using Strata.Client.Mqtt;

namespace Strata.Client;

/// <summary>Adds Strata settings followed over MQTT to configuration.</summary>
public static class StrataMqttConfigurationBuilderExtensions
{
    /// <summary>
    /// Loads <see cref="StrataMqttClientOptions.Namespaces"/> from the retained messages Strata's MQTT bridge keeps at
    /// <c>&lt;prefix&gt;/&lt;namespace&gt;</c>, as keys <c>Namespace:Key</c> at global scope, each verified under the
    /// pinned <see cref="StrataMqttClientOptions.SigningKey"/>; then applies every newer message, one reload each,
    /// reconnecting by itself. For fleets behind a broker: the service does not need to reach the Strata server.
    /// Sensitive settings are never published: read them from the server (<c>AddStrata</c>, with a token that may reveal them).
    /// </summary>
    /// <param name="builder">The configuration builder, for example <c>builder.Configuration</c>.</param>
    /// <param name="configure">Sets the broker, the namespaces, the pinned signing key and the rest of <see cref="StrataMqttClientOptions"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException">The options are incomplete or invalid (the message names the option).</exception>
    public static IConfigurationBuilder AddStrataMqtt(this IConfigurationBuilder builder, Action<StrataMqttClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var mqtt = new StrataMqttClientOptions();
        configure(mqtt);
        var (options, broker) = MqttClientSettings.Validate(mqtt, nameof(configure));
        return builder.Add(new MqttConfigurationSource(options, broker));
    }
}
