using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Strata.Access;

/// <summary>
/// The session cookie as the <c>StrataSession</c> scheme reads it: not at all on a request that carries
/// <c>Authorization</c> (the bearer token decides alone, so one request is never two principals), nor while signing
/// in (a new sign-in opens a new session rather than renewing the one the browser still holds).
/// </summary>
internal sealed class SessionCookie : ICookieManager
{
    public const string Name = "strata_session";
    private static readonly object SigningIn = new();
    private readonly ChunkingCookieManager _inner = new();

    public static bool IsPresent(HttpRequest request) => request.Headers.Cookie.Count > 0 && request.Cookies.ContainsKey(Name);

    /// <summary>Marks the request as a sign-in: the cookie it brought is not read.</summary>
    public static void IgnoreOnThisRequest(HttpContext http) => http.Items[SigningIn] = SigningIn;

    public string? GetRequestCookie(HttpContext context, string key) =>
        context.Request.Headers.Authorization.Count > 0 || context.Items.ContainsKey(SigningIn) ? null : _inner.GetRequestCookie(context, key);

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        _inner.AppendResponseCookie(context, key, value, options);

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) => _inner.DeleteCookie(context, key, options);
}
