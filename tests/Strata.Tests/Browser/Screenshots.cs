using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>The README's and docs' pictures of the UI: docs/screenshots/&lt;page&gt;-&lt;light|dark&gt;-&lt;desktop|mobile&gt;.png.</summary>
public static class Screenshots
{
    /// <summary>
    /// Opens <paramref name="path"/> signed in (or, for the sign-in page, not: <paramref name="signedIn"/>), in every
    /// <see cref="PageLook"/>, and saves what the screen shows.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SaveAsync(BrowserFixture browser, TestServer server, string path, string page,
        bool signedIn = true)
    {
        Directory.CreateDirectory(BrowserFiles.Screenshots);
        var files = new List<string>();
        foreach (var look in PageLook.All)
        {
            await using var tab = signedIn ? await browser.SignedInAsync(server, look: look) : await browser.OpenAsync(server, look);
            var response = await tab.Page.GotoAsync(path);
            Assert.True(response?.Ok, $"{path} answered {response?.Status} for the {look} screenshot.");
            var file = Path.Combine(BrowserFiles.Screenshots, $"{page}-{look.Name}.png");
            await tab.Page.ScreenshotAsync(new() { Path = file, Animations = Microsoft.Playwright.ScreenshotAnimations.Disabled });
            files.Add(file);
        }
        return files;
    }
}
