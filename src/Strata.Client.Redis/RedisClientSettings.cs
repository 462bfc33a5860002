using StackExchange.Redis;

namespace Strata.Client.Redis;

/// <summary>Checks the options and maps them onto the client's own, which the provider shares with the HTTP transport.</summary>
internal static class RedisClientSettings
{
    private const string Name = "StrataRedisClientOptions";

    internal static StrataClientOptions Validate(StrataRedisClientOptions redis, string param)
    {
        if (string.IsNullOrWhiteSpace(redis.Configuration))
            throw new ArgumentException($"{Name}.Configuration must be a StackExchange.Redis configuration string, for example redis:6379.", param);
        try
        {
            ConfigurationOptions.Parse(redis.Configuration);
        }
        catch (ArgumentException e)
        {
            // The string may hold a password: the message names the option, not its value.
            throw new ArgumentException($"{Name}.Configuration is not a valid StackExchange.Redis configuration string.", param, e);
        }
        if (string.IsNullOrWhiteSpace(redis.SnapshotKey) || string.IsNullOrWhiteSpace(redis.Channel))
            throw new ArgumentException($"{Name}.SnapshotKey and Channel must not be empty.", param);
        var options = new StrataClientOptions
        {
            Namespaces = [.. redis.Namespaces],
            SigningKey = redis.SigningKey,
            LastKnownGoodPath = redis.LastKnownGoodPath,
            LastKnownGoodKey = redis.LastKnownGoodKey,
            Optional = redis.Optional,
            StartupTimeout = redis.StartupTimeout,
            MaxReconnectDelay = redis.MaxReconnectDelay,
            LoggerFactory = redis.LoggerFactory,
        };
        StrataConfigurationBuilderExtensions.ValidateCommon(options, Name, param);
        return options;
    }

    /// <summary>The client's options: keep connecting in the background, and fail commands at once while
    /// disconnected (the transport retries, and serves the last values meanwhile).</summary>
    internal static ConfigurationOptions Connection(StrataRedisClientOptions redis)
    {
        var parsed = ConfigurationOptions.Parse(redis.Configuration!);
        parsed.AbortOnConnectFail = false;
        parsed.BacklogPolicy = BacklogPolicy.FailFast;
        parsed.ReconnectRetryPolicy = new ExponentialRetry(250, (int)Math.Clamp(redis.MaxReconnectDelay.TotalMilliseconds, 250, int.MaxValue));
        return parsed;
    }

    /// <summary>The endpoints, for messages: never the configuration string, which may hold a password.</summary>
    internal static string Endpoints(StrataRedisClientOptions redis) =>
        string.Join(",", ConfigurationOptions.Parse(redis.Configuration!).EndPoints.Select(e => e.ToString()));
}
