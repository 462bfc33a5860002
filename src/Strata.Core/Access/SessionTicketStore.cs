using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Strata.Access;

/// <summary>
/// Keeps the session scheme's tickets in the database (through <see cref="SessionService"/>): the cookie holds only
/// the protected session id, so a session survives a restart and ends server-side when revoked, idle or expired.
/// </summary>
internal sealed class SessionTicketStore(SessionService sessions) : ITicketStore
{
    public const string SessionIdClaim = "strata:session";

    /// <summary>Sessions are opened by <see cref="SignInService"/>, which hands the cookie handler a principal that names its session.</summary>
    public Task<string> StoreAsync(AuthenticationTicket ticket) =>
        ticket.Principal is StrataPrincipal { SessionId: { } id }
            ? Task.FromResult(id)
            : throw new InvalidOperationException("Strata sessions are opened through SignInService.");

    // Idle expiry slides in the session record itself; the cookie is not reissued.
    public Task RenewAsync(string key, AuthenticationTicket ticket) => Task.CompletedTask;

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (await sessions.UseAsync(key).ConfigureAwait(false) is not { } session) return null;
        var identity = new ClaimsIdentity([new Claim(SessionIdClaim, key)], StrataAuthentication.SessionScheme);
        var properties = new AuthenticationProperties
        {
            IssuedUtc = DateTimeOffset.FromUnixTimeMilliseconds(session.CreatedAt),
            ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(session.EndsAt),
            IsPersistent = true,
            AllowRefresh = false,
        };
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, StrataAuthentication.SessionScheme);
    }

    public Task RemoveAsync(string key) => sessions.RevokeAsync(key, CancellationToken.None);
}
