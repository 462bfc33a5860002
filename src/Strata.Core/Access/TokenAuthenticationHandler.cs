using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata.Engine;

namespace Strata.Access;

/// <summary>The framework's authentication, fed by <see cref="TokenService"/>: no header is no result (anonymous), a bad token fails.</summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SettingsEngine engine)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0) return Task.FromResult(AuthenticateResult.NoResult());
        var (principal, failure) = engine.Tokens.Authenticate(header);
        return Task.FromResult(principal is null
            ? AuthenticateResult.Fail(failure!)
            : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }
}
