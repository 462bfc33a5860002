using Microsoft.Extensions.Logging;

namespace Strata.Client;

/// <summary>How a service follows its Strata settings over MQTT, where Strata's MQTT bridge publishes them.</summary>
public sealed class StrataMqttClientOptions
{
    /// <summary>The broker as <c>host:port</c> (<c>host</c> alone: 1883, or 8883 with <see cref="UseTls"/>). Required.</summary>
    public string? Server { get; set; }

    /// <summary>The bridge's topic prefix (<c>Strata:Mqtt:TopicPrefix</c>): each namespace is at <c>&lt;prefix&gt;/&lt;namespace&gt;</c>. <c>system/config</c> by default.</summary>
    public string TopicPrefix { get; set; } = "system/config";

    /// <summary>The user name the broker asks for, if any.</summary>
    public string? Username { get; set; }

    /// <summary>The password that goes with <see cref="Username"/>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Connect with TLS, checking the broker's certificate against the machine's trusted roots.</summary>
    public bool UseTls { get; set; }

    /// <summary>With <see cref="UseTls"/>, accept a certificate no trusted root vouches for (self-signed); one for another name is still refused.</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>The MQTT client id; a new random one per process by default.</summary>
    public string? ClientId { get; set; }

    /// <summary>The namespaces to load and follow; each appears in configuration as <c>Namespace:Key</c>. At least one.</summary>
    public IList<string> Namespaces { get; set; } = [];

    /// <summary>The server's Ed25519 public key, base64 of its 32 raw bytes, as served at <c>/api/v1/signing-key</c>.
    /// Required: a message whose signature does not verify under it is not applied.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The file the client keeps its last-known-good values in, to start from when the broker is unreachable.</summary>
    public string? LastKnownGoodPath { get; set; }

    /// <summary>The secret (base64, at least 32 bytes) that signs and encrypts the last-known-good file.</summary>
    public string? LastKnownGoodKey { get; set; }

    /// <summary>Start with no Strata values, rather than fail, when neither the broker nor a last-known-good file can
    /// be loaded. The client keeps retrying. Off by default.</summary>
    public bool Optional { get; set; }

    /// <summary>How long start-up waits for every namespace's retained message before it falls back to the
    /// last-known-good file (or fails). 10 s by default.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two reconnection attempts (they back off exponentially, with jitter). 30 s by default.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the client logs connection changes, rejected messages and fallbacks (never values). Nothing is logged when not set.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
