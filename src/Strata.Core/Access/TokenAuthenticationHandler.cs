using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Strata.Access;

/// <summary>
/// The <c>StrataToken</c> scheme: <c>Authorization: Bearer</c> through <see cref="TokenService"/>. On the path of every
/// API request, so it allocates nothing of its own: the token's principal and its result are built once per token,
/// and a principal the rate limiter already authenticated from this request's header is taken as it is. A request
/// with neither a header nor a session cookie is the anonymous principal (<c>Strata:AnonymousGrants</c>); with a
/// session cookie and no header it is left to the session scheme.
/// </summary>
internal sealed class TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    TokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly Task<AuthenticateResult> NoResult = Task.FromResult(AuthenticateResult.NoResult());

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
            return SessionCookie.IsPresent(Request) ? NoResult : tokens.Anonymous.Authenticated;
        if (Context.Features.Get<IHttpAuthenticationFeature>()?.User is StrataPrincipal { TokenId: not null, SessionId: null } known)
            return known.Authenticated;
        var (principal, failure) = tokens.Authenticate(header.ToString());
        return principal?.Authenticated ?? Task.FromResult(AuthenticateResult.Fail(failure!));
    }
}
