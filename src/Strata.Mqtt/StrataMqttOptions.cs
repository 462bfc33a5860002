namespace Strata;

/// <summary>
/// Where and how Strata's MQTT bridge publishes (bound from <c>Strata:Mqtt</c>). Each commit publishes, for every
/// namespace it touched, a signed, retained message at <c><see cref="TopicPrefix"/>/&lt;namespace&gt;</c>
/// (docs/bridges.md).
/// </summary>
public sealed class StrataMqttOptions
{
    /// <summary>The broker as <c>host:port</c> (<c>host</c> alone: 1883, or 8883 with <see cref="UseTls"/>). The bridge is on when it is set.</summary>
    public string? Server { get; set; }

    /// <summary>Topics are <c>&lt;prefix&gt;/&lt;namespace&gt;</c>. Default <c>system/config</c>; no <c>+</c> or <c>#</c>.</summary>
    public string TopicPrefix { get; set; } = "system/config";

    /// <summary>The user name the broker asks for, if any.</summary>
    public string? Username { get; set; }

    /// <summary>The password that goes with <see cref="Username"/>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Connect with TLS, checking the broker's certificate against the machine's trusted roots.</summary>
    public bool UseTls { get; set; }

    /// <summary>With <see cref="UseTls"/>, accept a certificate that no trusted root vouches for (a self-signed test broker).</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>The MQTT client id; default <c>strata-&lt;machine&gt;-&lt;process id&gt;</c>, so two instances never take each other's session.</summary>
    public string? ClientId { get; set; }
}
