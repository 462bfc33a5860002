using Microsoft.Playwright;

namespace Strata.Tests.Browser;

/// <summary>How a page is shown: the system's color scheme and the screen size.</summary>
public sealed record PageLook(ColorScheme Scheme, Screen Screen)
{
    public static readonly PageLook LightDesktop = new(ColorScheme.Light, Screen.Desktop);

    /// <summary>Every look the screenshots are taken in: light and dark, desktop and mobile.</summary>
    public static readonly IReadOnlyList<PageLook> All =
    [
        LightDesktop, new(ColorScheme.Dark, Screen.Desktop), new(ColorScheme.Light, Screen.Mobile), new(ColorScheme.Dark, Screen.Mobile),
    ];

    public ViewportSize Viewport => Screen == Screen.Mobile ? new() { Width = 375, Height = 812 } : new() { Width = 1280, Height = 800 };

    /// <summary>The part of a screenshot's file name, e.g. <c>dark-mobile</c>.</summary>
    public string Name => $"{(Scheme == ColorScheme.Dark ? "dark" : "light")}-{(Screen == Screen.Mobile ? "mobile" : "desktop")}";

    public override string ToString() => Name;
}
