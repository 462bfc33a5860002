using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Strata.Application;
using Strata.Storage;

namespace Strata.Access;

/// <summary>
/// Signs in with a user name and password or with an API token, opening a database-backed session and setting its
/// cookie; signs out, ending the session server-side. Failed attempts count against the user name and the client
/// address (<see cref="SignInLimiter"/>); past the limit an attempt is refused before any password is checked.
/// Every outcome is audited, never with the password or token. The JSON API and the UI's forms both come here.
/// </summary>
internal sealed class SignInService(UserService users, SessionService sessions, TokenService tokens, SignInLimiter limiter, CommandAudit audit)
{
    public const string Action = "session.signin";
    private const string WrongPassword = "The user name or password is wrong.";

    public async Task<SignInOutcome> SignInWithPasswordAsync(HttpContext http, string name, string password)
    {
        var (userKey, addressKey) = (SignInLimiter.UserKey(name), SignInLimiter.AddressKey(http.Connection.RemoteIpAddress));
        if (await LimitedAsync(http, addressKey, userKey).ConfigureAwait(false) is { } limited) return limited;
        var user = await users.VerifyAsync(name, password, http.RequestAborted).ConfigureAwait(false);
        if (user is null)
        {
            limiter.Fail(userKey);
            limiter.Fail(addressKey);
            await FailedAsync(http, "password", name, "wrong user name or password").ConfigureAwait(false);
            return new SignInOutcome(null, null, WrongPassword);
        }
        limiter.Reset(userKey);
        return await OpenAsync(http, "password", user.Id, null).ConfigureAwait(false);
    }

    public async Task<SignInOutcome> SignInWithTokenAsync(HttpContext http, string token)
    {
        var addressKey = SignInLimiter.AddressKey(http.Connection.RemoteIpAddress);
        if (await LimitedAsync(http, addressKey, null).ConfigureAwait(false) is { } limited) return limited;
        var (principal, failure) = tokens.AuthenticateSecret(token.AsSpan().Trim());
        if (principal is null)
        {
            limiter.Fail(addressKey);
            await FailedAsync(http, "token", null, failure!).ConfigureAwait(false);
            return new SignInOutcome(null, null, failure);
        }
        return await OpenAsync(http, "token", null, principal.TokenId).ConfigureAwait(false);
    }

    /// <summary>Ends the request's session server-side and clears its cookie; false when it carried no active session.</summary>
    public async Task<bool> SignOutAsync(HttpContext http)
    {
        var current = await http.AuthenticateAsync(StrataAuthentication.SessionScheme).ConfigureAwait(false);
        if (current.Principal is not StrataPrincipal { SessionId: { } id } principal) return false;
        // The cookie handler removes the ticket from the store: the session is revoked there.
        await http.SignOutAsync(StrataAuthentication.SessionScheme).ConfigureAwait(false);
        await audit.RecordAsync(AccessControl.Caller(http, principal), "session.signout", "ok", detail: new { session = id }).ConfigureAwait(false);
        return true;
    }

    private async Task<SignInOutcome> OpenAsync(HttpContext http, string method, string? userId, string? tokenId)
    {
        var session = await sessions.CreateAsync(userId, tokenId, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(),
            http.RequestAborted).ConfigureAwait(false);
        var principal = await sessions.PrincipalAsync(session.Id, http.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A session just opened has no principal.");
        SessionCookie.IgnoreOnThisRequest(http);
        await http.SignInAsync(StrataAuthentication.SessionScheme, principal, new AuthenticationProperties
        {
            IsPersistent = true,
            ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAt),
        }).ConfigureAwait(false);
        http.User = principal;
        await audit.RecordAsync(AccessControl.Caller(http, principal), Action, "ok", detail: new { session = session.Id, method }).ConfigureAwait(false);
        return new SignInOutcome(principal, session, null);
    }

    private async Task<SignInOutcome?> LimitedAsync(HttpContext http, string addressKey, string? userKey)
    {
        var retry = limiter.RetryAfter(addressKey, perAddress: true) ?? (userKey is null ? null : limiter.RetryAfter(userKey, perAddress: false));
        if (retry is null) return null;
        // Counted into a summary under a flood, as every refusal is.
        await audit.RefuseAsync(AccessControl.Caller(http), "sign-in", null, "too many failed sign-ins").ConfigureAwait(false);
        return new SignInOutcome(null, null, $"Too many failed sign-ins; try again in {retry} s.", retry);
    }

    private Task FailedAsync(HttpContext http, string method, string? name, string reason) =>
        audit.RecordAsync(AccessControl.Caller(http), Action, "failed",
            detail: new { method, user = name is { Length: > UserService.MaxNameLength } ? name[..UserService.MaxNameLength] : name, reason });
}
