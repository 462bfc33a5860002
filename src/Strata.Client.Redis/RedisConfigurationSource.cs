using Microsoft.Extensions.Configuration;

namespace Strata.Client.Redis;

/// <summary>The configuration source <see cref="StrataRedisConfigurationBuilderExtensions.AddStrataRedis"/> adds: the
/// client's provider over the Redis transport.</summary>
internal sealed class RedisConfigurationSource(StrataClientOptions options, StrataRedisClientOptions redis) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new StrataConfigurationProvider(options, (verifier, log) => new RedisTransport(redis, verifier, log));
}
