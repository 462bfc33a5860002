using System.Globalization;
using MQTTnet;

namespace Strata.Mqtt;

/// <summary>The broker's address and the client options built from <see cref="StrataMqttOptions"/>.</summary>
internal sealed record MqttEndpoint(string Host, int Port, string TopicPrefix, string ClientId)
{
    public const int DefaultPort = 1883, DefaultTlsPort = 8883;

    /// <summary>Server as <c>host:port</c>, <c>host</c>, or <c>[v6-address]:port</c>; throws with what is wrong.</summary>
    public static MqttEndpoint From(StrataMqttOptions options)
    {
        var server = options.Server?.Trim();
        if (string.IsNullOrEmpty(server)) throw new InvalidOperationException("Strata:Mqtt:Server is not set (host:port).");
        var defaultPort = options.UseTls ? DefaultTlsPort : DefaultPort;
        string host;
        var port = defaultPort;
        var colon = server.LastIndexOf(':');
        var bracketed = server.StartsWith('[');
        // An IPv6 address takes a port only in brackets: unbracketed, all of it is the host.
        if (colon > 0 && (bracketed ? server[colon - 1] == ']' : server.IndexOf(':') == colon))
        {
            host = server[..colon];
            if (!int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                throw new InvalidOperationException($"Strata:Mqtt:Server '{server}' has no valid port: use host:port with a port from 1 to 65535.");
        }
        else host = server;
        host = host.Trim('[', ']');
        // A colon left in the host is only right in an IPv6 address.
        if (host.Length == 0 || (host.Contains(':') && !(System.Net.IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)))
            throw new InvalidOperationException($"Strata:Mqtt:Server '{server}' names no host: use host:port.");

        var prefix = (options.TopicPrefix ?? "").Trim().TrimEnd('/');
        if (prefix.Length == 0 || prefix.AsSpan().ContainsAny("+#\0") || prefix.StartsWith('$'))
            throw new InvalidOperationException($"Strata:Mqtt:TopicPrefix '{options.TopicPrefix}' must be a topic without '+', '#' or a leading '$' (default system/config).");
        var clientId = string.IsNullOrWhiteSpace(options.ClientId)
            ? $"strata-{Environment.MachineName}-{Environment.ProcessId}"
            : options.ClientId.Trim();
        return new MqttEndpoint(host, port, prefix, clientId);
    }

    public string Server => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>A namespace's topic: names compare case-insensitively, topics do not, so the namespace is lower-cased.</summary>
    public string Topic(string ns) => $"{TopicPrefix}/{ns.ToLowerInvariant()}";

    public MqttClientOptions ClientOptions(StrataMqttOptions options)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, Port)
            .WithClientId(ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            // The bridge republishes from its last acknowledged revision on every connection: no session to keep.
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(options.Username)) builder.WithCredentials(options.Username, options.Password ?? "");
        if (options.UseTls)
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(Host);
                // Untrusted means a chain no root vouches for (self-signed); a certificate for another name is still refused.
                if (options.AllowUntrustedCertificates)
                    tls.WithAllowUntrustedCertificates().WithCertificateValidationHandler(e =>
                        (e.SslPolicyErrors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == System.Net.Security.SslPolicyErrors.None);
            });
        return builder.Build();
    }
}
