using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Strata.Http;

namespace Strata.Access;

/// <summary>
/// Answers Strata's refusals as they always were: 401 with <c>WWW-Authenticate: Bearer</c> (and <c>error="invalid_token"</c>
/// for a bad token) or 403, as problem documents, each refusal audited. On the UI's pages (<see cref="BrowserPage"/>) a
/// caller nobody signed in is sent to the sign-in page, and a user without the permission gets a page saying so; a
/// host's own page behind a Strata policy is signed in or forbidden by the session scheme. Every other endpoint's result goes to the framework's
/// default handler.
/// </summary>
internal sealed class StrataAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (StrataPolicies.Requirement(policy) is not { } requirement) return _default.HandleAsync(next, context, policy, authorizeResult);
        // Straight on, without the default handler's async frame: this is every allowed API request.
        return authorizeResult.Succeeded ? next(context) : RefuseAsync(context, requirement);
    }

    private static async Task RefuseAsync(HttpContext http, PermissionRequirement requirement)
    {
        var ns = requirement.Namespace(http);
        if (http.GetEndpoint()?.Metadata.GetMetadata<BrowserPage>() is { } page)
        {
            await RefusePageAsync(http, page, requirement, ns).ConfigureAwait(false);
            return;
        }
        SecurityHeadersFilter.Apply(http.Response.Headers);
        IResult problem;
        string reason;
        if (http.Request.Headers.Authorization.Count > 0 && http.User is not StrataPrincipal)
        {
            // Authenticated once already: the handler keeps its result for the request.
            var failed = await http.AuthenticateAsync(StrataAuthentication.TokenScheme).ConfigureAwait(false);
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            problem = Problems.Unauthorized(failed.Failure?.Message ?? "The token is not valid.");
            reason = "invalid token";
        }
        else
        {
            problem = AccessControl.Denied(http, requirement.Permission, ns);
            reason = "missing permission";
        }
        await AccessControl.RefuseAsync(http, problem, requirement.Permission, ns, reason).ConfigureAwait(false);
        if (SessionCookieEvents.IsApi(http.Request))
            await problem.ExecuteAsync(http).ConfigureAwait(false);
        // A host's own page behind a Strata policy: the session scheme signs in or forbids (its events).
        else if (AccessControl.Principal(http).IsAnonymous)
            await http.ChallengeAsync(StrataAuthentication.SessionScheme).ConfigureAwait(false);
        else
            await http.ForbidAsync(StrataAuthentication.SessionScheme).ConfigureAwait(false);
    }

    // Nobody signed in: to the sign-in page, which comes back here (a step of signing in, not audited). Signed in
    // without the permission: audited, and a page saying what is missing.
    private static async Task RefusePageAsync(HttpContext http, BrowserPage page, PermissionRequirement requirement, string? ns)
    {
        if (http.User is StrataPrincipal { IsAnonymous: false } principal)
        {
            await AccessControl.RefuseAsync(http, Results.Empty, requirement.Permission, ns, "missing permission").ConfigureAwait(false);
            var what = ns is null ? requirement.Permission : $"{requirement.Permission} on '{ns}'";
            await page.Forbidden(http, $"{principal.Describe()} does not have {what}.").ConfigureAwait(false);
            return;
        }
        await http.ChallengeAsync(StrataAuthentication.SessionScheme).ConfigureAwait(false);
    }
}
