using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Strata.Application;
using Strata.Engine;
using Strata.Http;

namespace Strata.Access;

/// <summary>
/// Who may call what. Each endpoint declares the permission it needs (<see cref="Requires"/>); the namespace comes
/// from the route, or, for endpoints that span namespaces, each one is checked by the handler (listings, with
/// <see cref="Principal"/>) or by the application's command (patches, imports). No credentials (or a bad token) and not allowed is 401; a valid token without the
/// permission is 403.
/// </summary>
internal static class AccessControl
{
    /// <summary>The permission on the route's <c>{ns}</c>; without one, on at least one namespace (or on <c>*</c> when <paramref name="global"/>).</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, string permission, bool global = false) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new AccessFilter(permission, global));

    public static StrataPrincipal Principal(HttpContext http) => (StrataPrincipal)http.User;

    /// <summary>The request's caller, as the application's commands take it (anonymous, with no grants, when authentication failed).</summary>
    public static Caller Caller(HttpContext http)
    {
        var principal = http.User as StrataPrincipal;
        return new(http.User.Identity?.Name ?? StrataPrincipal.AnonymousName, principal?.TokenId, principal?.Grants ?? [],
            http.Connection.RemoteIpAddress, http.TraceIdentifier, http.Request.Method, http.Request.Path.Value);
    }

    /// <summary>The problem for a principal that lacks <paramref name="permission"/> (on <paramref name="ns"/> when given).</summary>
    public static IResult Denied(HttpContext http, string permission, string? ns)
    {
        var principal = Principal(http);
        var what = ns is null ? permission : $"{permission} on '{ns}'";
        if (!principal.IsAnonymous)
            return Problems.Forbidden($"Token '{principal.Name}' does not have {what}.");
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Unauthorized($"This needs {what}: send 'Authorization: Bearer <token>'.");
    }

    /// <summary>
    /// Sets <c>HttpContext.User</c> from the bearer token (or to the anonymous principal). Tokens are checked by
    /// <see cref="TokenService"/> directly rather than through the authentication middleware: this runs on every
    /// read, and the framework's per-request handler costs more than the check itself.
    /// </summary>
    public static IResult? Authenticate(HttpContext http)
    {
        // Through the feature: reading HttpContext.User before it is set allocates an empty principal.
        if (http.Features.Get<IHttpAuthenticationFeature>()?.User is StrataPrincipal) return null;
        var tokens = http.RequestServices.GetRequiredService<SettingsEngine>().Tokens;
        var header = http.Request.Headers.Authorization;
        if (header.Count == 0)
        {
            http.User = tokens.Anonymous;
            return null;
        }
        var (principal, failure) = tokens.Authenticate(header.ToString());
        if (principal is not null)
        {
            http.User = principal;
            return null;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Problems.Unauthorized(failure!);
    }

    /// <summary>For handlers that check namespaces themselves: audits the refusal and answers its problem.</summary>
    public static async Task<IResult> DenyAsync(HttpContext http, string permission, string ns) =>
        (IResult)(await RefuseAsync(http, Denied(http, permission, ns), permission, ns, "missing permission").ConfigureAwait(false))!;

    /// <summary>Audits a refused request (durably, or counted into a summary row under a flood) and answers its problem.</summary>
    public static async ValueTask<object?> RefuseAsync(HttpContext http, IResult problem, string permission, string? ns, string reason)
    {
        await http.RequestServices.GetRequiredService<CommandAudit>().RefuseAsync(Caller(http), permission, ns, reason).ConfigureAwait(false);
        return problem;
    }

    private sealed class AccessFilter(string permission, bool global) : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var ns = global ? "*" : http.GetRouteValue("ns") as string;
            if (Authenticate(http) is { } failed) return RefuseAsync(http, failed, permission, ns, "invalid token");
            var principal = Principal(http);
            var allowed = ns is null ? principal.CanAnywhere(permission) : principal.Can(permission, ns);
            return allowed ? next(context) : RefuseAsync(http, Denied(http, permission, ns), permission, ns, "missing permission");
        }
    }
}
