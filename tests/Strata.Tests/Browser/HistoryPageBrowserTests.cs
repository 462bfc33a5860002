using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>A key's history, its confirmed rollback, and a namespace's history, in a real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HistoryPageBrowserTests(BrowserFixture browser)
{
    private static async Task<TestServer> StartWithVersionsAsync()
    {
        var server = await TestServer.StartAsync();
        foreach (var (value, comment) in new[] { (10, "first cut"), (20, "more room"), (30, "holiday traffic") })
            (await server.Http.PutAsJsonAsync("api/v1/settings/checkout/max_items", new { value, comment })).EnsureSuccessStatusCode();
        (await server.Http.PutAsJsonAsync("api/v1/settings/checkout/express_enabled", new { value = true })).EnsureSuccessStatusCode();
        return server;
    }

    [Fact]
    public async Task Rolling_back_from_a_keys_history_confirms_first_then_the_old_value_is_back()
    {
        await using var server = await StartWithVersionsAsync();
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/ns/checkout/max_items/history"))?.Ok);
        await Assertions.Expect(page.Locator("#versions tr[data-version]")).ToHaveCountAsync(3);

        await page.Locator("#versions tr[data-version=\"1\"] a[data-action=rollback]").ClickAsync();
        await Assertions.Expect(page.Locator("#rollback-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("version 1");
        // Confirming is a separate step: nothing has changed yet.
        var before = await server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/checkout/max_items");
        Assert.Equal(30, before.GetProperty("value").GetInt32());
        await Axe.AssertAccessibleAsync(page);

        await page.Locator("#rollback-comment").FillAsync("back to the first cut");
        await page.Locator("#confirm-rollback").ClickAsync();
        await Assertions.Expect(page.Locator("#history-notice")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#versions tr[data-version]")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#versions tr[data-version=\"4\"]")).ToContainTextAsync("back to the first cut");
        var after = await server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/checkout/max_items");
        Assert.Equal(10, after.GetProperty("value").GetInt32());
    }

    [Theory]
    [InlineData(ColorScheme.Light, Screen.Desktop)]
    [InlineData(ColorScheme.Dark, Screen.Mobile)]
    public async Task Key_history_with_a_diff_and_namespace_history_have_no_axe_violations(ColorScheme scheme, Screen screen)
    {
        await using var server = await StartWithVersionsAsync();
        await using var tab = await browser.SignedInAsync(server, look: new(scheme, screen));
        var page = tab.Page;

        Assert.True((await page.GotoAsync("/ns/checkout/max_items/history?from=1&to=3"))?.Ok);
        await Assertions.Expect(page.Locator("#diff [data-diff]")).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page);

        Assert.True((await page.GotoAsync("/ns/checkout/history"))?.Ok);
        await Assertions.Expect(page.Locator("#revisions tr[data-revision]")).ToHaveCountAsync(4);
        await Axe.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Screenshots_of_the_history_pages_are_saved_in_every_look()
    {
        await using var server = await StartWithVersionsAsync();
        Assert.Equal(PageLook.All.Count, (await Screenshots.SaveAsync(browser, server, "/ns/checkout/max_items/history?from=2&to=3", "key-history")).Count);
        Assert.Equal(PageLook.All.Count, (await Screenshots.SaveAsync(browser, server, "/ns/checkout/history", "namespace-history")).Count);
    }
}
