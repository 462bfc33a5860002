using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Strata.Http;

namespace Strata.Access;

/// <summary>
/// The session scheme's events: each request's principal is rebuilt from the session's current user or token (a
/// removed user, a revoked token or changed grants apply at once); a challenge on the API answers a 401 problem
/// document, elsewhere it redirects to the sign-in page.
/// </summary>
internal sealed class SessionCookieEvents(SessionService sessions) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirst(SessionTicketStore.SessionIdClaim)?.Value;
        var principal = id is null ? null : await sessions.PrincipalAsync(id, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            context.RejectPrincipal();
            return;
        }
        context.ReplacePrincipal(principal);
        context.ShouldRenew = false;
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (!IsApi(context.Request)) return base.RedirectToLogin(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Unauthorized("Sign in, or send 'Authorization: Bearer <token>'.").ExecuteAsync(context.HttpContext);
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        IsApi(context.Request)
            ? Problems.Forbidden("This session does not have the permission this needs.").ExecuteAsync(context.HttpContext)
            : WriteForbiddenAsync(context.Response);

    private static Task WriteForbiddenAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>The API (<c>/api</c>, <c>/config</c>) answers problem documents; everything else is a page.</summary>
    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments("/config", StringComparison.OrdinalIgnoreCase);
}
