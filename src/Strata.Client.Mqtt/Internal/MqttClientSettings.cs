using System.Globalization;

namespace Strata.Client.Mqtt;

/// <summary>Checks the options and maps them onto the client's own, which the provider shares with the HTTP transport.</summary>
internal static class MqttClientSettings
{
    private const string Name = "StrataMqttClientOptions";

    internal static (StrataClientOptions Options, MqttBroker Broker) Validate(StrataMqttClientOptions mqtt, string param)
    {
        var server = mqtt.Server?.Trim();
        if (string.IsNullOrEmpty(server))
            throw new ArgumentException($"{Name}.Server must be the broker as host:port, for example mqtt:1883.", param);
        var port = mqtt.UseTls ? 8883 : 1883;
        var host = server;
        var colon = server.LastIndexOf(':');
        // An IPv6 address takes a port only in brackets: unbracketed, all of it is the host.
        if (colon > 0 && (server.StartsWith('[') ? server[colon - 1] == ']' : server.IndexOf(':') == colon))
        {
            host = server[..colon];
            if (!int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                throw new ArgumentException($"{Name}.Server '{server}' has no valid port: use host:port with a port from 1 to 65535.", param);
        }
        host = host.Trim('[', ']');
        // A colon left in the host is only right in an IPv6 address.
        if (host.Length == 0 || (host.Contains(':') && !(System.Net.IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)))
            throw new ArgumentException($"{Name}.Server '{server}' names no host: use host:port.", param);
        var prefix = (mqtt.TopicPrefix ?? "").Trim().TrimEnd('/');
        if (prefix.Length == 0 || prefix.AsSpan().ContainsAny("+#\0") || prefix.StartsWith('$'))
            throw new ArgumentException($"{Name}.TopicPrefix must be the bridge's topic prefix, without '+', '#' or a leading '$' (default system/config).", param);
        if (mqtt.Namespaces.Any(ns => ns?.AsSpan().ContainsAny("/+#") == true))
            throw new ArgumentException($"{Name}.Namespaces must be namespace names: no '/', '+' or '#'.", param);
        var options = new StrataClientOptions
        {
            Namespaces = [.. mqtt.Namespaces],
            SigningKey = mqtt.SigningKey,
            LastKnownGoodPath = mqtt.LastKnownGoodPath,
            LastKnownGoodKey = mqtt.LastKnownGoodKey,
            Optional = mqtt.Optional,
            StartupTimeout = mqtt.StartupTimeout,
            MaxReconnectDelay = mqtt.MaxReconnectDelay,
            LoggerFactory = mqtt.LoggerFactory,
        };
        StrataConfigurationBuilderExtensions.ValidateCommon(options, Name, param);
        var clientId = string.IsNullOrWhiteSpace(mqtt.ClientId) ? $"strata-client-{Guid.NewGuid():N}" : mqtt.ClientId.Trim();
        return (options, new MqttBroker(host, port, prefix, clientId, mqtt.Username, mqtt.Password, mqtt.UseTls, mqtt.AllowUntrustedCertificates));
    }
}
