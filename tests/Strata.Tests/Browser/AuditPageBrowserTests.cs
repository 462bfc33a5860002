using System.Net.Http.Json;
using Microsoft.Playwright;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>The audit page in a real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditPageBrowserTests(BrowserFixture browser)
{
    private static async Task<TestServer> StartWithChangesAsync()
    {
        var server = await TestServer.StartAsync();
        foreach (var (path, value) in new (string, object)[] { ("checkout/max_items", 120), ("checkout/express_enabled", true), ("billing/retries", 3) })
            (await server.Http.PutAsJsonAsync($"api/v1/settings/{path}", new { value })).EnsureSuccessStatusCode();
        return server;
    }

    [Theory]
    [InlineData(ColorScheme.Light, Screen.Desktop)]
    [InlineData(ColorScheme.Dark, Screen.Mobile)]
    public async Task Audit_page_lists_the_changes_and_filters_them_with_no_axe_violations(ColorScheme scheme, Screen screen)
    {
        await using var server = await StartWithChangesAsync();
        await using var tab = await browser.SignedInAsync(server, look: new(scheme, screen));
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/audit"))?.Ok);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Audit log");
        await Assertions.Expect(page.Locator("#audit tr[data-namespace=\"billing\"]")).ToHaveCountAsync(1);
        await Axe.AssertAccessibleAsync(page);

        Assert.True((await page.GotoAsync("/audit?ns=checkout"))?.Ok);
        await Assertions.Expect(page.Locator("#audit tr[data-id]")).ToHaveCountAsync(2);
        await Axe.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Screenshots_of_the_audit_page_are_saved_in_every_look()
    {
        await using var server = await StartWithChangesAsync();
        Assert.Equal(PageLook.All.Count, (await Screenshots.SaveAsync(browser, server, "/audit", "audit")).Count);
    }
}
