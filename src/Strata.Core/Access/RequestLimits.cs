using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Strata.Http;

namespace Strata.Access;

/// <summary>
/// Per-caller rate limiting with the framework's limiter: a token bucket per bearer token (per client address for
/// callers without one). Over the limit: 429 with <c>Retry-After</c> and a problem document.
/// </summary>
internal static class RequestLimits
{
    public const string Policy = "strata-per-token";

    public static void AddStrataRateLimiting(this IServiceCollection services, StrataRateLimitOptions limits)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.TooManyRequests(retry).ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
            o.AddPolicy(Policy, http =>
            {
                // The raw header as the key: cheap, and a bad token only gets its own bucket.
                var caller = http.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : "ip:" + http.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, limits.Burst),
                    TokensPerPeriod = limits.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
    }
}

/// <summary>Headers on every API answer: no sniffing, no framing, no caching (answers can carry revealed secrets).</summary>
internal sealed class SecurityHeadersFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return next(context);
    }
}
