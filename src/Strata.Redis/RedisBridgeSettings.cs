using StackExchange.Redis;

namespace Strata.Redis;

/// <summary>Checks the options once, at registration, and turns the configuration string into the client's options.</summary>
internal static class RedisBridgeSettings
{
    internal static void Validate(StrataRedisOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Configuration))
            throw new ArgumentException("Strata:Redis:Configuration must be a StackExchange.Redis configuration string, for example localhost:6379.", nameof(options));
        try
        {
            ConfigurationOptions.Parse(options.Configuration);
        }
        catch (ArgumentException e)
        {
            // The string may hold a password: the message names the option, not its value.
            throw new ArgumentException("Strata:Redis:Configuration is not a valid StackExchange.Redis configuration string (an unknown option, or an option without a valid value).", nameof(options), e);
        }
        foreach (var (name, value) in new[] { ("SnapshotKey", options.SnapshotKey), ("VersionKey", options.VersionKey), ("Channel", options.Channel) })
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"Strata:Redis:{name} must not be empty.", nameof(options));
        if (options.SnapshotKey == options.VersionKey)
            throw new ArgumentException("Strata:Redis:SnapshotKey and VersionKey must be different keys.", nameof(options));
    }

    /// <summary>The client's options: never give up connecting, fail commands at once while disconnected (the
    /// bridge retries them itself, in order), and reconnect with capped exponential backoff.</summary>
    internal static ConfigurationOptions Connection(StrataRedisOptions options)
    {
        var parsed = ConfigurationOptions.Parse(options.Configuration!);
        parsed.AbortOnConnectFail = false;
        parsed.BacklogPolicy = BacklogPolicy.FailFast;
        parsed.ReconnectRetryPolicy = new ExponentialRetry(250, 10_000);
        parsed.ClientName ??= "strata-bridge";
        return parsed;
    }

    /// <summary>The endpoints, for logs and health: never the configuration string, which may hold a password.</summary>
    internal static string Endpoints(StrataRedisOptions options) =>
        string.Join(",", ConfigurationOptions.Parse(options.Configuration!).EndPoints.Select(e => e.ToString()));
}
