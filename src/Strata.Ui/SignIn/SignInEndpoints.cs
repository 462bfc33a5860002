using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Ui.Rendering;

namespace Strata.Ui.SignIn;

/// <summary>
/// <c>/sign-in</c> and <c>/sign-out</c>. Both are form posts with the antiforgery token; the sign-in itself (limits,
/// audit, the session and its cookie) is <see cref="SignInService"/>'s, the same the JSON API uses.
/// </summary>
internal static class SignInEndpoints
{
    public static void Map(IEndpointRouteBuilder ui)
    {
        ui.MapGet("/sign-in", (HttpContext http, string? returnUrl) => Page.Render<SignInPage, SignInForm>(new SignInForm(LocalOrHome(http, returnUrl))));
        ui.MapPost("/sign-in", SignInAsync);
        ui.MapPost("/sign-out", SignOutAsync);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, SignInService signIn,
        [FromForm(Name = "user")] string? user, [FromForm(Name = "password")] string? password, [FromForm(Name = "token")] string? token,
        [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = LocalOrHome(http, returnUrl);
        var withToken = !string.IsNullOrEmpty(token);
        if (!withToken && (string.IsNullOrWhiteSpace(user) || string.IsNullOrEmpty(password)))
            return Page.Render<SignInPage, SignInForm>(new SignInForm(back, user, "Type your user name and password, or an API token."),
                StatusCodes.Status400BadRequest);
        var outcome = withToken
            ? await signIn.SignInWithTokenAsync(http, token!)
            : await signIn.SignInWithPasswordAsync(http, user!, password!);
        if (outcome.Succeeded) return Results.Redirect(back);
        if (outcome.RetryAfterSeconds is { } retry) http.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Page.Render<SignInPage, SignInForm>(new SignInForm(back, withToken ? null : user, outcome.Failure, withToken),
            outcome.RateLimited ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized);
    }

    // A form post (antiforgery) with nothing else in it; the form binding is what makes the middleware check the token.
    private static async Task<IResult> SignOutAsync(HttpContext http, SignInService signIn, [FromForm(Name = "signOut")] string? signOut)
    {
        await signIn.SignOutAsync(http);
        return Results.Redirect(http.Request.PathBase + "/sign-in");
    }

    // Only a path on this site: an absolute or protocol-relative address would make the form an open redirect.
    private static string LocalOrHome(HttpContext http, string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : http.Request.PathBase + "/";
}
