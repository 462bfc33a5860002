using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Strata.Client.Internal;

namespace Strata.Client;

/// <summary>Registers the Strata client's health check.</summary>
public static class StrataHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of the Strata client that feeds the app's <see cref="IConfiguration"/>: Healthy while connected,
    /// Degraded when serving last-known-good values or disconnected, Unhealthy when nothing was ever loaded.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter the check by (for example a readiness tag).</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddStrataClient(this IHealthChecksBuilder builder, string name = "strata-client", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name,
            sp => new StrataClientHealthCheck(sp.GetRequiredService<IConfiguration>()), failureStatus: null, tags));
    }
}
