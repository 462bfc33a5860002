using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.Access;
using Strata.Audit;
using Strata.ConfigStore;
using Strata.Health;
using Strata.Http;
using Strata.Search;
using Strata.Security;
using Strata.Transfer;
using Strata.Watch;

namespace Strata;

/// <summary>Maps Strata's HTTP surface into an application.</summary>
public static class StrataEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/api/v1</c>, the ConfigStore-compatible <c>/config</c> and the OpenAPI document at
    /// <c>/openapi/strata.json</c>. Health endpoints are the host's to choose: see <see cref="MapStrataHealth"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapStrata(this IEndpointRouteBuilder endpoints)
    {
        // With the limit off (0) the endpoints carry no policy at all, so the limiter middleware passes them straight on.
        var limited = endpoints.ServiceProvider.GetRequiredService<IOptions<StrataOptions>>().Value.RateLimit.PermitsPerSecond > 0;
        var api = endpoints.MapGroup("/api/v1").WithGroupName(StrataServiceCollectionExtensions.OpenApiDocumentName);
        if (limited) api.RequireRateLimiting(RequestLimits.Policy);
        // Stateless filters as single instances: the generic overload would build one per request.
        IEndpointFilter headers = new SecurityHeadersFilter(), problems = new StrataExceptionFilter();
        api.AddEndpointFilter(headers);
        api.AddEndpointFilter(problems);
        var settings = api.MapSettings();
        settings.MapSchema();
        settings.MapHistory();
        api.MapTransfer();
        api.MapWatch();
        api.MapKeys();
        api.MapTokens();
        api.MapUsers();
        api.MapSessions();
        api.MapAudit();
        api.MapSearch();
        var configStore = endpoints.MapConfigStore().WithGroupName(StrataServiceCollectionExtensions.OpenApiDocumentName);
        if (limited) configStore.RequireRateLimiting(RequestLimits.Policy);
        configStore.AddEndpointFilter(headers).AddEndpointFilter(problems);
        // Open to anyone and costly to build: it shares the per-address budget of callers without a token.
        // Only Strata's own document: a host's documents are the host's to map.
        var document = endpoints.MapOpenApi($"/openapi/{{documentName:regex(^{StrataServiceCollectionExtensions.OpenApiDocumentName}$)}}.json");
        if (limited) document.RequireRateLimiting(RequestLimits.Policy);
        return endpoints;
    }

    /// <summary>
    /// Maps <c>/healthz</c> (the process answers) and <c>/readyz</c> (the store is reachable and its schema current),
    /// for a host that has no health endpoints of its own; the standalone server maps them.
    /// </summary>
    public static IEndpointRouteBuilder MapStrataHealth(this IEndpointRouteBuilder endpoints)
    {
        HealthEndpoints.Map(endpoints);
        return endpoints;
    }
}
