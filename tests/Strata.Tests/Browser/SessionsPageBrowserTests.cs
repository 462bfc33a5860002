using Microsoft.Playwright;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>The sessions page (admin) in a real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionsPageBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(ColorScheme.Light, Screen.Desktop)]
    [InlineData(ColorScheme.Dark, Screen.Mobile)]
    public async Task Sessions_page_lists_the_signed_in_sessions_with_no_axe_violations(ColorScheme scheme, Screen screen)
    {
        await using var server = await TestServer.StartAsync();
        await using var other = await browser.SignedInAsync(server);
        await using var tab = await browser.SignedInAsync(server, look: new(scheme, screen));
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/sessions"))?.Ok);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sessions");
        await Assertions.Expect(page.Locator("button[aria-label^=\"Revoke the session\"]")).ToHaveCountAsync(2);
        await Axe.AssertAccessibleAsync(page);
    }
}
