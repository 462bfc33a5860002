using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Strata.Http;

namespace Strata.Access;

/// <summary>
/// Per-caller rate limiting with the framework's limiter: a token bucket per authenticated token, and a tighter one
/// per client address for everything else (no token, or one that is not valid; a session cookie too, unless authorization
/// ran before the limiter, when each session has a bucket of its own). The partition is chosen by who the
/// caller is, not by how the header is spelt: <c>bearer</c>, <c>BEARER</c> and extra spaces are the same token, and
/// random tokens are the same unauthenticated caller. Over the limit: 429 with <c>Retry-After</c> and a problem document.
/// </summary>
internal static class RequestLimits
{
    public const string Policy = "strata-per-token";

    public static void AddStrataRateLimiting(this IServiceCollection services, StrataRateLimitOptions limits)
    {
        // Built once: a lambda made per request would allocate on every call.
        Func<Caller, TokenBucketRateLimiterOptions> perToken = _ => Bucket(limits.PermitsPerSecond, limits.Burst, queue: 0);
        // Over its budget an address first waits in a queue rather than getting an instant 429: a flooding client then
        // sends at the permitted rate instead of making the server write refusals as fast as the CPUs allow.
        Func<Caller, TokenBucketRateLimiterOptions> perAddress = _ =>
            Bucket(limits.UnauthenticatedPermitsPerSecond, limits.UnauthenticatedBurst, queue: limits.UnauthenticatedBurst);
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
                // Through the feature: reading HttpContext.User before it is set allocates an empty principal. Set when
                // authorization ran first (a host that calls UseAuthorization before UseRateLimiter).
                var principal = http.Features.Get<IHttpAuthenticationFeature>()?.User as StrataPrincipal;
                if (principal is null && http.Request.Headers.Authorization is { Count: > 0 } header
                    && http.RequestServices.GetRequiredService<TokenService>().Authenticate(header.ToString()).Principal is { } authenticated)
                {
                    // The token scheme takes this principal as it is instead of hashing the header again.
                    http.User = principal = authenticated;
                }
                if (principal is { LimitKey: { } key })
                    return RateLimitPartition.GetTokenBucketLimiter(new Caller(key, null), perToken);
                return RateLimitPartition.GetTokenBucketLimiter(new Caller(null, ClientSource.Of(http.Connection.RemoteIpAddress)), perAddress);
            });
        });
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst, int queue) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perSecond),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };

    /// <summary>A rate-limit partition: a token's (or session's) id, or (for callers without a valid token) a client address or IPv6 /64.</summary>
    private readonly record struct Caller(string? Id, System.Net.IPAddress? Address);
}

/// <summary>Headers on every API answer: no sniffing, no framing, no caching (answers can carry revealed secrets).</summary>
internal sealed class SecurityHeadersFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        Apply(context.HttpContext.Response.Headers);
        return next(context);
    }

    /// <summary>Also on refusals, which authorization answers before the endpoint's filters run.</summary>
    public static void Apply(IHeaderDictionary headers)
    {
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
