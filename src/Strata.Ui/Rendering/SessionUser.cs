using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Strata.Access;

namespace Strata.Ui.Rendering;

/// <summary>
/// Pages open to anyone (sign-in, sign-out) run without an authorization policy, so nothing has read their session.
/// Antiforgery tokens are issued for, and checked against, the signed-in user: both must see the same one.
/// </summary>
internal static class SessionUser
{
    public static async Task ReadAsync(HttpContext http)
    {
        if (http.User is StrataPrincipal) return;
        if ((await http.AuthenticateAsync(StrataAuthentication.SessionScheme)).Principal is StrataPrincipal signedIn) http.User = signedIn;
    }
}
