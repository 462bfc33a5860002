namespace Strata.Tests.Browser;

/// <summary>The browser tests' own tools fail when they should: the axe check on a violation, the launch without Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserInfrastructureTests(BrowserFixture browser)
{
    [Fact]
    public async Task Axe_check_fails_naming_each_violations_rule_impact_and_elements()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("<!DOCTYPE html><html><head><title>t</title></head><body><main><img src=\"data:,\"></main></body></html>");

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.FailException>(() => Axe.AssertAccessibleAsync(page));
        Assert.Contains("- html-has-lang (serious)", failure.Message);
        Assert.Contains("- image-alt (critical)", failure.Message);
        Assert.Contains("\n    img — ", failure.Message);
    }

    [Fact]
    public async Task Launching_without_Chromium_fails_saying_what_to_install()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "chromium");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => BrowserFixture.LaunchAsync(browser.Playwright, missing));
        Assert.Contains($"Chromium at {missing}", failure.Message);
        Assert.Contains("apt-get install chromium", failure.Message);
    }
}
