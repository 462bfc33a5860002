using System.Text.Json;
using Microsoft.Playwright;

namespace Strata.Tests.Browser;

/// <summary>The namespaces start page in a real Chromium: accessible, usable at 375 px, keyboard first, under its CSP.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StartPageBrowserTests(BrowserFixture browser, StartPageServer seeded) : IClassFixture<StartPageServer>
{
    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Start_page_lists_the_namespaces_with_no_axe_violations(ColorScheme scheme)
    {
        await using var tab = await browser.SignedInAsync(seeded.Server, look: new(scheme, Screen.Desktop));
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/"))?.Ok);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Namespaces");
        Assert.Equal(["billing", "checkout", "feature-flags", "search"], await page.Locator("main ul.list strong").AllTextContentsAsync());
        Assert.Equal(scheme == ColorScheme.Dark, await page.EvaluateAsync<bool>("() => matchMedia('(prefers-color-scheme: dark)').matches"));
        await Axe.AssertAccessibleAsync(page);
    }

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Start_page_at_375_px_scrolls_only_vertically_with_no_axe_violations(ColorScheme scheme)
    {
        await using var tab = await browser.SignedInAsync(seeded.Server, look: new(scheme, Screen.Mobile));
        var page = tab.Page;
        await page.GotoAsync("/");

        var (scrollWidth, viewport) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"),
            await page.EvaluateAsync<int>("() => window.innerWidth"));
        Assert.Equal(375, viewport);
        Assert.True(scrollWidth <= viewport, $"The page is {scrollWidth} px wide in a {viewport} px viewport.");
        await Axe.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Tab_first_reaches_the_skip_link_which_shows_its_focus_and_leads_past_the_navigation_to_the_content()
    {
        await using var tab = await browser.SignedInAsync(seeded.Server);
        var page = tab.Page;
        await page.GotoAsync("/");

        await page.Keyboard.PressAsync("Tab");
        var focused = await page.EvaluateAsync<JsonElement>("""
            () => {
              const e = document.activeElement, style = getComputedStyle(e), box = e.getBoundingClientRect();
              return { text: e.textContent.trim(), outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                       onScreen: box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.width > 0 };
            }
            """);
        Assert.Equal("Skip to content", focused.GetProperty("text").GetString());
        Assert.NotEqual("none", focused.GetProperty("outlineStyle").GetString());
        var outlineWidth = focused.GetProperty("outlineWidth").GetDouble();
        Assert.True(outlineWidth >= 2, $"The focus outline is {outlineWidth} px wide.");
        Assert.True(focused.GetProperty("onScreen").GetBoolean(), "The focused skip link is off screen.");

        await page.Keyboard.PressAsync("Enter");
        Assert.Equal(["main", "none"], await page.EvaluateAsync<string[]>("() => [document.activeElement.id, getComputedStyle(document.activeElement).outlineStyle]"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("billing", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
    }

    [Fact]
    public async Task An_inline_script_put_into_the_page_is_refused_by_its_content_security_policy()
    {
        await using var strict = await browser.SignedInAsync(seeded.Server);
        await strict.Page.GotoAsync("/");
        var refused = await RunInlineScriptAsync(strict.Page);
        Assert.Equal(new InlineScriptOutcome(Ran: false, ViolatedDirective: "script-src-elem"), refused);

        // The same probe with the policy bypassed sees the script run: the check above can tell the two apart.
        await using var bypassed = await browser.OpenAsync(seeded.Server, bypassCsp: true);
        await bypassed.Page.GotoAsync("/");
        Assert.True((await RunInlineScriptAsync(bypassed.Page)).Ran);
    }

    [Fact]
    public async Task Screenshots_of_the_start_page_are_saved_light_and_dark_at_desktop_and_mobile_size()
    {
        var files = await Screenshots.SaveAsync(browser, seeded.Server, "/", "namespaces");

        Assert.Equal(PageLook.All.Select(l => $"namespaces-{l.Name}.png"), files.Select(Path.GetFileName));
        foreach (var (file, look) in files.Zip(PageLook.All))
            Assert.Equal((look.Viewport.Width, look.Viewport.Height), PngSize(file));
    }

    // A script element with inline text, added through the DOM after load; the violation event (or its absence) says why.
    private static async Task<InlineScriptOutcome> RunInlineScriptAsync(IPage page)
    {
        var outcome = await page.EvaluateAsync<JsonElement>("""
        () => new Promise(resolve => {
          let directive = null;
          document.addEventListener('securitypolicyviolation', e => { directive = e.effectiveDirective; }, { once: true });
          const script = document.createElement('script');
          script.textContent = 'window.__strataInlineRan = true;';
          document.head.appendChild(script);
          // The violation event is queued as a task after the refusal; a later task sees it.
          setTimeout(() => resolve({ ran: window.__strataInlineRan === true, violatedDirective: directive }), 0);
        })
        """);
        return new(outcome.GetProperty("ran").GetBoolean(), outcome.GetProperty("violatedDirective").GetString());
    }

    private static (int Width, int Height) PngSize(string file)
    {
        var header = File.ReadAllBytes(file).AsSpan(0, 24);
        Assert.True(header[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{file} is not a PNG.");
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[16..]), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[20..]));
    }

    private sealed record InlineScriptOutcome(bool Ran, string? ViolatedDirective);
}
