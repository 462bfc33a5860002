using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Strata.Access;

/// <summary>
/// Strata's authentication: the <c>StrataToken</c> bearer scheme and the <c>StrataSession</c> cookie scheme (the
/// framework's cookie handler over a database-backed ticket store), with one authorization model for both. Neither
/// is made the host's default scheme: Strata's endpoints name them in their policies, and a host's own
/// authentication is left as it is.
/// </summary>
internal static class StrataAuthentication
{
    public const string TokenScheme = "StrataToken";
    public const string SessionScheme = "StrataSession";

    // A shared events object: without one the base handler creates an empty one on every request.
    private static readonly object NoEvents = new();

    public static IServiceCollection AddStrataAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenScheme, o => o.Events = NoEvents)
            .AddCookie(SessionScheme);
        services.AddOptions<CookieAuthenticationOptions>(SessionScheme)
            .Configure<IOptions<StrataOptions>, SessionTicketStore, SessionCookieEvents, SessionKeys, TimeProvider>((o, strata, store, events, keys, time) =>
            {
                o.Cookie.Name = SessionCookie.Name;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.IsEssential = true;
                o.CookieManager = new SessionCookie();
                o.SessionStore = store;
                o.Events = events;
                o.TimeProvider = time;
                o.ExpireTimeSpan = strata.Value.Ui.SessionLifetime;
                // Idle expiry slides in the session record on the server; the cookie itself is not reissued.
                o.SlidingExpiration = false;
                o.LoginPath = "/sign-in";
                o.ReturnUrlParameter = "returnUrl";
                o.DataProtectionProvider = keys.Provider;
            });
        services.AddSingleton<SessionKeys>();
        services.AddSingleton<SessionTicketStore>();
        services.AddSingleton<SessionCookieEvents>();
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, StrataAuthorizationResultHandler>();
        services.AddSingleton<UserService>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<SignInService>();
        return services;
    }
}
