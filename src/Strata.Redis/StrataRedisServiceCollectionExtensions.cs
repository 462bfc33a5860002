using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Strata.Health;
using Strata.Redis;

namespace Strata;

/// <summary>Adds the Redis bridge to a Strata server's services.</summary>
public static class StrataRedisServiceCollectionExtensions
{
    /// <summary>
    /// Publishes every revision to Redis (docs/bridges.md): the signed snapshot of every namespace at
    /// <see cref="StrataRedisOptions.SnapshotKey"/> (sensitive values left out), its revision at
    /// <see cref="StrataRedisOptions.VersionKey"/>, and a signed <c>{"event":"updated","version":…,"changed":[…]}</c>
    /// on <see cref="StrataRedisOptions.Channel"/>, in revision order, from one instance at a time. Redis being down
    /// never affects the server: the bridge retries and catches up. Adds the ready-tagged health check <c>redis</c>.
    /// </summary>
    /// <param name="services">The services <c>AddStrata</c> was called on.</param>
    /// <param name="configuration">The application's configuration; the options are bound from its <c>Strata:Redis</c> section.</param>
    /// <param name="configure">Changes the bound options.</param>
    /// <returns>The same services.</returns>
    /// <exception cref="ArgumentException"><see cref="StrataRedisOptions.Configuration"/> is not set or not valid, or a key is empty.</exception>
    public static IServiceCollection AddStrataRedis(this IServiceCollection services, IConfiguration configuration, Action<StrataRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new StrataRedisOptions();
        configuration.GetSection("Strata:Redis").Bind(options);
        configure?.Invoke(options);
        RedisBridgeSettings.Validate(options);
        services.AddSingleton(options);
        services.AddSingleton<RedisBridgeStatus>();
        services.AddSingleton<RedisBridge>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RedisBridge>());
        services.AddHealthChecks().AddCheck<RedisBridgeHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
