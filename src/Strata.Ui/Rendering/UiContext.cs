using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.Access;
using Strata.Ui.Assets;

namespace Strata.Ui.Rendering;

/// <summary>What every page needs about its request: who is signed in, where the UI lives, the form token.</summary>
internal sealed class UiContext
{
    private readonly string _pathBase;

    private UiContext(string pathBase, StrataPrincipal? principal, AntiforgeryTokenSet? antiforgery)
    {
        _pathBase = pathBase;
        Principal = principal;
        Antiforgery = antiforgery;
    }

    public StrataPrincipal? Principal { get; }
    public string UserName => Principal?.Name ?? StrataPrincipal.AnonymousName;
    public bool SignedIn => Principal is { IsAnonymous: false };
    public bool IsAdmin => Principal?.Can(Permission.Admin, "*") == true;
    public AntiforgeryTokenSet? Antiforgery { get; }

    public static UiContext For(HttpContext http) => new(
        http.Request.PathBase.Value ?? "",
        http.User as StrataPrincipal,
        http.RequestServices.GetService<IAntiforgery>()?.GetAndStoreTokens(http));

    /// <summary>An absolute path under the host's path base, for links and form actions.</summary>
    public string Url(string path) => _pathBase + path;

    /// <summary>A stylesheet's or script's address, versioned by its content so it can be cached for good.</summary>
    public string Asset(string name) => _pathBase + UiAssets.Path(name);
}
