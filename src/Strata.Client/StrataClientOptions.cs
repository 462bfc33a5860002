using Microsoft.Extensions.Logging;

namespace Strata.Client;

/// <summary>How a service reaches its Strata server and which settings it follows.</summary>
public sealed class StrataClientOptions
{
    /// <summary>The server's base address, for example <c>http://strata:5380</c>. Required.</summary>
    public Uri? Server { get; set; }

    /// <summary>The bearer token the client reads with; it needs <c>config.read</c> on every namespace (and
    /// <c>secrets.reveal</c> where the service needs sensitive values in clear). Anonymous when not set.</summary>
    public string? Token { get; set; }

    /// <summary>The namespaces to load and follow; each appears in configuration as <c>Namespace:Key</c>. At least one.</summary>
    public IList<string> Namespaces { get; set; } = [];

    /// <summary>The scope chain values are resolved under, most specific first (for example <c>user:alice</c>);
    /// <c>global</c> is implied last.</summary>
    public IList<string> Scopes { get; set; } = [];

    /// <summary>The server's Ed25519 public key, base64 of its 32 raw bytes, as served at <c>/api/v1/signing-key</c>.
    /// Required: nothing whose signature does not verify under it is applied.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The file the client keeps its last-known-good values in, to start from when the server is unreachable.</summary>
    public string? LastKnownGoodPath { get; set; }

    /// <summary>The secret (base64, at least 32 bytes) that signs and encrypts the last-known-good file.</summary>
    public string? LastKnownGoodKey { get; set; }

    /// <summary>Start with no Strata values, rather than fail, when neither the server nor a last-known-good file can be
    /// loaded. The client keeps retrying and loads the values when the server answers. Off by default.</summary>
    public bool Optional { get; set; }

    /// <summary>How long start-up waits for the server before it falls back to the last-known-good file (or fails). 10 s by default.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The server's heartbeat interval (<c>Strata:Watch:HeartbeatSeconds</c>, 15 s by default); a watch that
    /// carries nothing for three intervals is treated as dead and reopened.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest wait between two reconnection attempts (they back off exponentially, with jitter). 30 s by default.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The application name this client reports in the server's consumers view; the entry assembly's name by default.</summary>
    public string? Application { get; set; }

    /// <summary>This instance's id in the consumers view; a new random id per process by default.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The host name reported in the consumers view; the machine name by default.</summary>
    public string? Host { get; set; }

    /// <summary>Creates the handler under the client's HTTP connections (a proxy, custom certificates, a test relay).
    /// A <see cref="SocketsHttpHandler"/> when not set.</summary>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    /// <summary>Where the client logs connection changes, rejected events and fallbacks (never values). Nothing is logged when not set.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
