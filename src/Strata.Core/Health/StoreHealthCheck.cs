using Microsoft.Extensions.Diagnostics.HealthChecks;
using Strata.Engine;

namespace Strata.Health;

/// <summary>Ready when the store answers, its schema is current and the engine has loaded it.</summary>
internal sealed class StoreHealthCheck(SettingsEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var status = await engine.Log.StatusAsync(ct).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["store"] = status.Kind,
                ["schemaVersion"] = status.SchemaVersion,
                ["pendingMigrations"] = status.PendingMigrations,
                ["revision"] = engine.Current.Revision,
                ["encryption"] = engine.Secrets.Enabled ? "enabled" : "disabled",
                ["activeKey"] = engine.Secrets.ActiveKeyId ?? "",
                ["keyRotation"] = engine.Secrets.Rotation.IsFaulted ? "failed" : engine.Secrets.Rotation.IsCompleted ? "idle" : "running",
            };
            return status.PendingMigrations == 0
                ? HealthCheckResult.Healthy("Store reachable, schema current.", data)
                : HealthCheckResult.Unhealthy($"{status.PendingMigrations} migration(s) pending.", data: data);
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("Store unreachable.", e);
        }
    }
}
