using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Strata.Mqtt;

/// <summary>
/// The bridge's state on <c>/readyz</c>. Never Unhealthy: the store is what makes Strata ready, and a broker outage
/// must not take the server out of a load balancer. Disconnected is Degraded.
/// </summary>
internal sealed class MqttBridgeHealthCheck(MqttBridgeStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (state, lastPublished, lastError) = status.Read();
        var data = new Dictionary<string, object>
        {
            ["server"] = status.Server,
            ["state"] = state.ToString().ToLowerInvariant(),
        };
        if (lastPublished is { } revision) data["lastPublishedRevision"] = revision;
        if (lastError is not null) data["lastError"] = lastError;
        return Task.FromResult(state switch
        {
            MqttBridgeState.Connected => HealthCheckResult.Healthy("Connected to the MQTT broker.", data),
            MqttBridgeState.Standby => HealthCheckResult.Healthy("Another instance holds the MQTT bridge's lease and publishes.", data),
            MqttBridgeState.Starting or MqttBridgeState.Connecting => HealthCheckResult.Degraded("Connecting to the MQTT broker.", data: data),
            _ => HealthCheckResult.Degraded("Not connected to the MQTT broker; retrying. The server is not affected.", data: data),
        });
    }
}
