using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Strata.Client.Internal;

/// <summary>Healthy while connected to the server; Degraded when serving last-known-good values or disconnected
/// (the last values are still served); Unhealthy when nothing was ever loaded.</summary>
internal sealed class StrataClientHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = configuration.GetStrataStatus();
        var data = new Dictionary<string, object>
        {
            ["source"] = status.Source.ToString(),
            ["revision"] = status.Revision,
            ["connected"] = status.Connected,
            ["rejectedSignatures"] = status.RejectedSignatures,
        };
        if (status.LastAppliedAt is { } at) data["lastAppliedAt"] = at;
        var result = status switch
        {
            { Source: StrataDataSource.None } => HealthCheckResult.Unhealthy($"No Strata values loaded yet: {status.LastError}", data: data),
            { Source: StrataDataSource.LastKnownGood } => HealthCheckResult.Degraded($"Serving last-known-good values of revision {status.Revision}: {status.LastError}", data: data),
            { Connected: false } => HealthCheckResult.Degraded($"Disconnected from the Strata server, serving revision {status.Revision}: {status.LastError}", data: data),
            _ => HealthCheckResult.Healthy($"Following the Strata server at revision {status.Revision}.", data),
        };
        return Task.FromResult(result);
    }
}
