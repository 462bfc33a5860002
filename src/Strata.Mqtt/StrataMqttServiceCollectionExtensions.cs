using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Strata.Health;
using Strata.Mqtt;

namespace Strata;

/// <summary>Adds Strata's MQTT bridge to an application that hosts Strata (<c>AddStrata</c>).</summary>
public static class StrataMqttServiceCollectionExtensions
{
    /// <summary>
    /// Publishes every commit to the MQTT broker <see cref="StrataMqttOptions.Server"/>: for each namespace a commit
    /// touched, a signed message retained at <c>&lt;prefix&gt;/&lt;namespace&gt;</c> with QoS 1 carrying the
    /// namespace's values at global scope (secrets left out). Options are bound from the configuration section
    /// <c>Strata:Mqtt</c>, then <paramref name="configure"/>. With several instances on a shared store one of them
    /// publishes. A broker that is down never affects the server: the bridge reconnects with backoff and catches up,
    /// and reports itself on <c>/readyz</c> (degraded while disconnected). See docs/bridges.md.
    /// </summary>
    public static IServiceCollection AddStrataMqtt(this IServiceCollection services, Action<StrataMqttOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StrataMqttOptions>().BindConfiguration("Strata:Mqtt");
        if (configure is not null) options.Configure(configure);
        // A bad address or prefix stops start-up with what is wrong, rather than a bridge that never connects.
        services.AddSingleton(sp => MqttEndpoint.From(sp.GetRequiredService<IOptions<StrataMqttOptions>>().Value));
        services.AddSingleton(sp => new MqttBridgeStatus { Server = sp.GetRequiredService<MqttEndpoint>().Server });
        services.AddSingleton<MqttBridge>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MqttBridge>());
        services.AddHealthChecks().AddCheck<MqttBridgeHealthCheck>("mqtt", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
