using Microsoft.Extensions.Logging;

namespace Strata.Client;

/// <summary>How a service reads its Strata settings from Redis, where Strata's Redis bridge publishes them.</summary>
public sealed class StrataRedisClientOptions
{
    /// <summary>A StackExchange.Redis configuration string, for example <c>redis:6379,password=…</c>. Required.</summary>
    public string? Configuration { get; set; }

    /// <summary>The key the bridge keeps the signed snapshot at (<c>Strata:Redis:SnapshotKey</c>). <c>strata:config</c> by default.</summary>
    public string SnapshotKey { get; set; } = "strata:config";

    /// <summary>The channel the bridge publishes each revision on (<c>Strata:Redis:Channel</c>). <c>strata:config_channel</c> by default.</summary>
    public string Channel { get; set; } = "strata:config_channel";

    /// <summary>The namespaces to load and follow; each appears in configuration as <c>Namespace:Key</c>. At least one.</summary>
    public IList<string> Namespaces { get; set; } = [];

    /// <summary>The server's Ed25519 public key, base64 of its 32 raw bytes, as served at <c>/api/v1/signing-key</c>.
    /// Required: a snapshot whose signature does not verify under it is not applied.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The file the client keeps its last-known-good values in, to start from when Redis is unreachable.</summary>
    public string? LastKnownGoodPath { get; set; }

    /// <summary>The secret (base64, at least 32 bytes) that signs and encrypts the last-known-good file.</summary>
    public string? LastKnownGoodKey { get; set; }

    /// <summary>Start with no Strata values, rather than fail, when neither Redis nor a last-known-good file can be
    /// loaded. The client keeps retrying. Off by default.</summary>
    public bool Optional { get; set; }

    /// <summary>How long start-up waits for Redis before it falls back to the last-known-good file (or fails). 10 s by default.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two reconnection attempts (they back off exponentially, with jitter). 30 s by default.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the client logs connection changes, rejected snapshots and fallbacks (never values). Nothing is logged when not set.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
