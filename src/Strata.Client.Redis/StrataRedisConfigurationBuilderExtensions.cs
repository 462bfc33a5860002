using Microsoft.Extensions.Configuration;
using Strata.Client.Redis;

namespace Strata.Client;

/// <summary>Adds Strata settings read from Redis to configuration.</summary>
public static class StrataRedisConfigurationBuilderExtensions
{
    /// <summary>
    /// Loads <see cref="StrataRedisClientOptions.Namespaces"/> from the snapshot Strata's Redis bridge keeps at
    /// <see cref="StrataRedisClientOptions.SnapshotKey"/>, as keys <c>Namespace:Key</c>, verified under the pinned
    /// <see cref="StrataRedisClientOptions.SigningKey"/>; then re-reads it on each message on
    /// <see cref="StrataRedisClientOptions.Channel"/> and on every reconnection, and reloads when it is newer. The
    /// service does not depend on the Strata server being up. Sensitive settings are not in Redis: read them from the
    /// server (<c>AddStrata</c>, with a token that may reveal them).
    /// </summary>
    /// <param name="builder">The configuration builder, for example <c>builder.Configuration</c>.</param>
    /// <param name="configure">Sets Redis, the namespaces, the pinned signing key and the rest of <see cref="StrataRedisClientOptions"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException">The options are incomplete or invalid (the message names the option).</exception>
    public static IConfigurationBuilder AddStrataRedis(this IConfigurationBuilder builder, Action<StrataRedisClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var redis = new StrataRedisClientOptions();
        configure(redis);
        var options = RedisClientSettings.Validate(redis, nameof(configure));
        return builder.Add(new RedisConfigurationSource(options, redis));
    }
}
