using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Strata.Health;

/// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: the store is reachable and current.</summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "strata-ready";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.ServiceProvider.GetRequiredService<HealthMapping>().Mapped = true;
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            // Degraded answers 200: a part that is down but does not stop the server from serving (a bridge) says so.
            w.WriteString("status", report.Status switch { HealthStatus.Healthy => "ok", HealthStatus.Degraded => "degraded", _ => "unavailable" });
            foreach (var (name, entry) in report.Entries)
            {
                w.WriteStartObject(name);
                w.WriteString("status", entry.Status.ToString().ToLowerInvariant());
                if (entry.Description is not null) w.WriteString("description", entry.Description);
                foreach (var (key, value) in entry.Data)
                {
                    w.WritePropertyName(key);
                    JsonSerializer.Serialize(w, value, value.GetType());
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }
}
