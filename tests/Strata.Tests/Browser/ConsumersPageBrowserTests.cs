using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using Strata.Client;
using Strata.Tests.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>The consumers page in a real Chromium, with a real Strata.Client following the server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsumersPageBrowserTests(BrowserFixture browser)
{
    private static async Task<long> PutAsync(TestServer server, int value)
    {
        using var response = await server.Http.PutAsJsonAsync("api/v1/settings/checkout/max_items", new { value });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    [Fact]
    public async Task Consumers_page_shows_a_connected_clients_revision_and_follows_it_to_the_next_one()
    {
        await using var server = await TestServer.StartAsync();
        var first = await PutAsync(server, 1);
        using var config = (IDisposable)await StrataClient.BuildAsync(server.Address, o => { o.InstanceId = "fleet-1"; o.Host = "web-3"; });
        var provider = StrataConfigurationExtensions.FindProvider((IConfigurationRoot)config)!;
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/consumers"))?.Ok);

        var row = page.Locator("#consumers tr[data-instance=\"fleet-1\"]");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-applied-revision", first.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(row).ToContainTextAsync("web-3");
        await Axe.AssertAccessibleAsync(page);

        // The page re-reads itself: the client's next applied revision shows without a reload.
        var next = await PutAsync(server, 2);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-applied-revision", next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(row).ToHaveAttributeAsync("data-behind", "false");
        await Assertions.Expect(page.Locator("#followed-namespaces tr[data-namespace=\"checkout\"]")).ToHaveAttributeAsync("data-behind", "0");
        GC.KeepAlive(provider);
    }

    [Fact]
    public async Task Screenshots_of_the_consumers_page_are_saved_in_every_look()
    {
        await using var server = await TestServer.StartAsync();
        await PutAsync(server, 1);
        using var config = (IDisposable)await StrataClient.BuildAsync(server.Address, o => { o.InstanceId = "fleet-1"; o.Host = "web-3"; });
        Assert.Equal(PageLook.All.Count, (await Screenshots.SaveAsync(browser, server, "/consumers", "consumers")).Count);
    }
}
