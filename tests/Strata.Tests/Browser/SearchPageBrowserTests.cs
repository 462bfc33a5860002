using System.Net.Http.Json;
using Microsoft.Playwright;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>The search page in a real Chromium: results arrive as the user types, without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SearchPageBrowserTests(BrowserFixture browser)
{
    private static async Task<TestServer> StartWithSettingsAsync()
    {
        var server = await TestServer.StartAsync(o =>
            o.Define(new SettingDefinition { Namespace = "billing", Key = "daily_limit", Type = SettingType.Int, Default = 100, Group = "Budget Limits", Description = "Daily spending ceiling" }));
        foreach (var (path, value) in new (string, object)[] { ("checkout/max_items", 120), ("checkout/express_enabled", true) })
            (await server.Http.PutAsJsonAsync($"api/v1/settings/{path}", new { value })).EnsureSuccessStatusCode();
        return server;
    }

    [Theory]
    [InlineData(ColorScheme.Light, Screen.Desktop)]
    [InlineData(ColorScheme.Dark, Screen.Mobile)]
    public async Task Typing_a_query_shows_its_matches_without_reloading_with_no_axe_violations(ColorScheme scheme, Screen screen)
    {
        await using var server = await StartWithSettingsAsync();
        await using var tab = await browser.SignedInAsync(server, look: new(scheme, screen));
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/search"))?.Ok);
        // A reload would clear this marker: the results must come in place.
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");

        await page.Locator("#q").PressSequentiallyAsync("max");
        await Assertions.Expect(page.Locator("#search-results li[data-key=\"max_items\"]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#search-summary")).ToHaveAttributeAsync("data-total", "1");

        await page.Locator("#q").FillAsync("spending");
        await Assertions.Expect(page.Locator("#search-results li[data-key=\"daily_limit\"]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#search-results li[data-key=\"max_items\"]")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"));
        Assert.EndsWith("/search?q=spending", page.Url);
        await Axe.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Screenshots_of_the_search_page_are_saved_in_every_look()
    {
        await using var server = await StartWithSettingsAsync();
        Assert.Equal(PageLook.All.Count, (await Screenshots.SaveAsync(browser, server, "/search?q=limit", "search")).Count);
    }
}
