using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.Application;
using Strata.Http;

namespace Strata.Access;

/// <summary>
/// Who may call what. Each endpoint declares the permission it needs (<see cref="Requires"/>, an authorization policy
/// over both schemes); the namespace comes from the route, or, for endpoints that span namespaces, each one is
/// checked by the handler (listings, with <see cref="Principal"/>) or by the application's command (patches,
/// imports). No credentials (or a bad token) and not allowed is 401; a valid token or session without the permission is 403.
/// </summary>
internal static class AccessControl
{
    /// <summary>The permission on the route's <c>{ns}</c>; without one, on at least one namespace (or on <c>*</c> when <paramref name="global"/>).</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, string permission, bool global = false) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(StrataPolicies.For(permission, global));

    /// <summary>The request's principal: the one a scheme authenticated, or the anonymous principal.</summary>
    public static StrataPrincipal Principal(HttpContext http) =>
        http.User as StrataPrincipal ?? http.RequestServices.GetRequiredService<TokenService>().Anonymous;

    /// <summary>The request's caller, as the application's commands take it.</summary>
    public static Caller Caller(HttpContext http) => Caller(http, Principal(http));

    /// <summary>The request made by <paramref name="principal"/> (one just signed in, say), as the application's commands take it.</summary>
    public static Caller Caller(HttpContext http, StrataPrincipal principal) =>
        new(principal.Name, principal.TokenId, principal.Grants, http.Connection.RemoteIpAddress, http.TraceIdentifier, http.Request.Method, http.Request.Path.Value);

    /// <summary>The problem for a principal that lacks <paramref name="permission"/> (on <paramref name="ns"/> when given).</summary>
    public static IResult Denied(HttpContext http, string permission, string? ns)
    {
        var principal = Principal(http);
        var what = ns is null ? permission : $"{permission} on '{ns}'";
        if (!principal.IsAnonymous)
            return Problems.Forbidden($"{principal.Describe()} does not have {what}.");
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Unauthorized($"This needs {what}: send 'Authorization: Bearer <token>'.");
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
}
