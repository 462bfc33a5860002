using System.Net.Security;
using MQTTnet;

namespace Strata.Client.Mqtt;

/// <summary>Where the bridge's messages are, and how to connect there.</summary>
internal sealed record MqttBroker(string Host, int Port, string TopicPrefix, string ClientId, string? Username, string? Password, bool UseTls,
    bool AllowUntrustedCertificates)
{
    public string Server => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>A namespace's topic, as the bridge names it: lower-cased, since names compare case-insensitively and topics do not.</summary>
    public string Topic(string ns) => $"{TopicPrefix}/{ns.ToLowerInvariant()}";

    public MqttClientOptions ClientOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, Port)
            .WithClientId(ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            // Each connection gets every namespace's retained message again: no session to keep on the broker.
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(Username)) builder.WithCredentials(Username, Password ?? "");
        if (UseTls)
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(Host);
                if (AllowUntrustedCertificates)
                    tls.WithAllowUntrustedCertificates().WithCertificateValidationHandler(e =>
                        (e.SslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None);
            });
        return builder.Build();
    }

    // The password stays out of anything that prints this record.
    public override string ToString() => $"MqttBroker {{ Server = {Server}, TopicPrefix = {TopicPrefix} }}";
}
