using Microsoft.Extensions.Configuration;

namespace Strata.Client;

/// <summary>Adds a Strata server's settings to configuration.</summary>
public static class StrataConfigurationBuilderExtensions
{
    /// <summary>
    /// Loads <see cref="StrataClientOptions.Namespaces"/> from the Strata server at start-up, as keys <c>Namespace:Key</c>
    /// (JSON objects and arrays flattened as the JSON provider does), then follows the server's signed change feed and
    /// reloads on every applied revision, so <c>IOptionsMonitor&lt;T&gt;</c> and <c>IOptionsSnapshot&lt;T&gt;</c> see changes.
    /// </summary>
    /// <param name="builder">The configuration builder, for example <c>builder.Configuration</c>.</param>
    /// <param name="configure">Sets the server, token, namespaces, pinned signing key and the rest of <see cref="StrataClientOptions"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException">The options are incomplete or invalid (the message names the option).</exception>
    public static IConfigurationBuilder AddStrata(this IConfigurationBuilder builder, Action<StrataClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new StrataClientOptions();
        configure(options);
        Validate(options);
        return builder.Add(new StrataConfigurationSource(options));
    }

    private const string Param = "configure";

    private static void Validate(StrataClientOptions o)
    {
        if (o.Server is not { IsAbsoluteUri: true } server || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException("StrataClientOptions.Server must be the server's absolute http or https address, for example http://strata:5380.", Param);
        ValidateCommon(o, "StrataClientOptions", Param);
    }

    /// <summary>Checks what every transport needs (namespaces, scopes, times, the pinned key, the last-known-good
    /// file); messages name options as <paramref name="optionsName"/><c>.Property</c>.</summary>
    internal static void ValidateCommon(StrataClientOptions o, string optionsName, string param)
    {
        if (o.Namespaces is not { Count: > 0 } || o.Namespaces.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException(optionsName + ".Namespaces must name at least one namespace, and none empty.", param);
        if (o.Scopes.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException(optionsName + ".Scopes must not contain an empty scope.", param);
        if (o.StartupTimeout <= TimeSpan.Zero)
            throw new ArgumentException(optionsName + ".StartupTimeout must be positive.", param);
        if (o.HeartbeatInterval <= TimeSpan.Zero || o.MaxReconnectDelay <= TimeSpan.Zero)
            throw new ArgumentException(optionsName + ".HeartbeatInterval and MaxReconnectDelay must be positive.", param);
        try
        {
            Internal.SignatureVerifier.FromBase64(o.SigningKey);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message.Replace("StrataClientOptions.", optionsName + ".", StringComparison.Ordinal), param, e);
        }
        if (!string.IsNullOrWhiteSpace(o.LastKnownGoodPath))
        {
            try
            {
                LastKnownGood.LastKnownGoodKey.Parse(o.LastKnownGoodKey);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException(optionsName + "." + e.Message.Replace(" (Parameter 'base64')", "", StringComparison.Ordinal), param, e);
            }
        }
        else if (!string.IsNullOrWhiteSpace(o.LastKnownGoodKey))
            throw new ArgumentException(optionsName + ".LastKnownGoodKey is set but LastKnownGoodPath is not: set the file's path too.", param);
    }
}
