using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Strata.Redis;

/// <summary>
/// The bridge in <c>/readyz</c>: Healthy while connected, Degraded while Redis cannot be reached. Never Unhealthy:
/// the store is what makes Strata ready, and the bridge catches up by itself.
/// </summary>
internal sealed class RedisBridgeHealthCheck(RedisBridgeStatus status, StrataRedisOptions options) : IHealthCheck
{
    private readonly string _endpoints = RedisBridgeSettings.Endpoints(options);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (connected, publishing, lastPublished, lastError) = status.Read();
        var data = new Dictionary<string, object>
        {
            ["endpoints"] = _endpoints,
            ["connected"] = connected,
            ["publishing"] = publishing,
        };
        if (lastPublished is { } revision) data["lastPublishedRevision"] = revision;
        if (lastError is not null) data["lastError"] = lastError;
        var role = publishing ? $"publishing, last revision {lastPublished?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none yet"}" : "standing by (another instance publishes)";
        return Task.FromResult(connected
            ? HealthCheckResult.Healthy($"Redis bridge connected to {_endpoints}, {role}.", data)
            : HealthCheckResult.Degraded($"Redis bridge cannot reach {_endpoints} ({lastError ?? "connecting"}); retrying, the server is unaffected.", data: data));
    }
}
