using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>The namespace page in a real Chromium: editing each type, preview, errors, conflicts, reset, reveal, live updates.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class NamespacePageBrowserTests(BrowserFixture browser) : IDisposable
{
    private const string Definitions = """
        namespaces:
          shop:
            description: The web shop
            settings:
              max_items:
                type: int
                default: 50
                min: 1
                max: 500
                group: Limits
                description: Items a cart may hold
              dark_mode:
                type: bool
                default: false
                group: Look
                description: Dark theme for everyone
              theme:
                type: enum
                allowed: [light, dark]
                default: light
                group: Look
              title:
                type: string
                pattern: "[A-Z].*"
                max_length: 20
                group: Look
              api_key:
                type: string
                sensitive: true
                group: Secrets
        """;

    private const string Secret = "sk-live-0123456789";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<TestServer> StartAsync() =>
        TestServer.StartAsync(definitionsFile: _dir.Write($"defs-{Guid.NewGuid():N}.yaml", Definitions),
            masterKey: Strata.Security.MasterKey.Generate());

    private static async Task<long> PutAsync(TestServer server, string key, object value)
    {
        using var response = await server.Http.PutAsJsonAsync($"api/v1/settings/shop/{key}", new { value });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    private static async Task<JsonElement> ReadAsync(TestServer server, string key) =>
        await server.Http.GetFromJsonAsync<JsonElement>($"api/v1/settings/shop/{key}");

    // Save appears once a preview has shown the changes.
    private static async Task PreviewThenSaveAsync(IPage page)
    {
        await page.Locator("#preview-button").ClickAsync();
        await Assertions.Expect(page.Locator("#preview")).ToBeVisibleAsync();
        await page.Locator("#save-button").ClickAsync();
    }

    private static ILocator Role(IPage page, string key, string role) => page.Locator($"#s-{key} [data-role=\"{role}\"]");

    [Fact]
    public async Task A_live_change_updates_another_setting_in_place_and_flags_the_one_being_edited_keeping_the_users_text()
    {
        await using var server = await StartAsync();
        await PutAsync(server, "max_items", 80);
        await PutAsync(server, "title", "Hello");
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/ns/shop"))?.Ok);

        await page.Locator("#f-title").FillAsync("Mine");
        await PutAsync(server, "max_items", 120);
        await Assertions.Expect(Role(page, "max_items", "value")).ToHaveTextAsync("120");
        await Assertions.Expect(Role(page, "max_items", "version")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#f-max_items")).ToHaveValueAsync("120");
        await Assertions.Expect(page.Locator("#ver-max_items")).ToHaveValueAsync("2");
        await Assertions.Expect(page.Locator("#live-max_items")).ToBeHiddenAsync();

        await PutAsync(server, "title", "Theirs");
        await Assertions.Expect(page.Locator("#live-title")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#live-title")).ToHaveTextAsync(TheirsFlag());
        await Assertions.Expect(Role(page, "title", "value")).ToHaveTextAsync("Theirs");
        await Assertions.Expect(page.Locator("#s-title")).ToHaveClassAsync(ChangedUnderneath());
        await Assertions.Expect(page.Locator("#f-title")).ToHaveValueAsync("Mine");
        await Assertions.Expect(page.Locator("#ver-title")).ToHaveValueAsync("1");

        // Saving the flagged field asks the user to choose; nothing is written yet.
        await PreviewThenSaveAsync(page);
        await Assertions.Expect(page.Locator("#conflicts")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#conflict-title")).ToBeVisibleAsync();
        Assert.Equal("Theirs", (await ReadAsync(server, "title")).GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_change_committed_before_the_live_stream_opens_still_reaches_the_page()
    {
        await using var server = await StartAsync();
        await PutAsync(server, "max_items", 80);
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        // The stream's request waits until the change is committed: the change falls between the render and the watch.
        await page.RouteAsync(WatchRequest(), async route =>
        {
            await PutAsync(server, "max_items", 99);
            await route.ContinueAsync();
        });
        Assert.True((await page.GotoAsync("/ns/shop"))?.Ok);

        await Assertions.Expect(Role(page, "max_items", "value")).ToHaveTextAsync("99");
        await Assertions.Expect(page.Locator("#f-max_items")).ToHaveValueAsync("99");
    }

    [Fact]
    public async Task Editing_an_int_a_switch_an_enum_and_a_string_previews_the_changes_then_saves_them_in_one_revision()
    {
        await using var server = await StartAsync();
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        await page.GotoAsync("/ns/shop");

        await page.Locator("#f-max_items").FillAsync("120");
        await page.Locator("#f-dark_mode").CheckAsync();
        await page.Locator("#f-theme").SelectOptionAsync("dark");
        await page.Locator("#f-title").FillAsync("Summer");
        await page.Locator("#comment").FillAsync("summer look");
        await page.Locator("#preview-button").ClickAsync();

        await Assertions.Expect(page.Locator("#preview tr[data-key]")).ToHaveCountAsync(4);
        Assert.Equal(["max_items", "dark_mode", "theme", "title"],
            await page.Locator("#preview tr[data-key]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)"));
        Assert.Equal(50, (await ReadAsync(server, "max_items")).GetProperty("value").GetInt32());
        // The preview keeps the user's fields.
        await Assertions.Expect(page.Locator("#f-title")).ToHaveValueAsync("Summer");
        await Assertions.Expect(page.Locator("#f-dark_mode")).ToBeCheckedAsync();

        await page.Locator("#save-button").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(Saved());
        var saved = new[] { "max_items", "dark_mode", "theme", "title" }.Select(k => ReadAsync(server, k)).ToArray();
        var values = await Task.WhenAll(saved);
        Assert.Equal(120, values[0].GetProperty("value").GetInt32());
        Assert.True(values[1].GetProperty("value").GetBoolean());
        Assert.Equal("dark", values[2].GetProperty("value").GetString());
        Assert.Equal("Summer", values[3].GetProperty("value").GetString());
        Assert.Single(values.Select(v => v.GetProperty("revision").GetInt64()).Distinct());
        await Assertions.Expect(Role(page, "title", "value")).ToHaveTextAsync("Summer");
    }

    [Fact]
    public async Task An_int_over_its_maximum_is_shown_by_its_field_and_nothing_is_saved()
    {
        await using var server = await StartAsync();
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        await page.GotoAsync("/ns/shop");

        await page.Locator("#f-max_items").FillAsync("501");
        await page.Locator("#f-title").FillAsync("Fine");
        await page.Locator("#preview-button").ClickAsync();

        await Assertions.Expect(page.Locator("#errors")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#s-max_items #e-max_items")).ToContainTextAsync("500");
        await Assertions.Expect(page.Locator("#f-max_items")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#f-max_items")).ToHaveAttributeAsync("aria-describedby", ErrorDescribed());
        await Assertions.Expect(page.Locator("#f-max_items")).ToHaveValueAsync("501");
        await Assertions.Expect(page.Locator("#e-title")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#save-button")).ToHaveCountAsync(0);
        Assert.Equal(50, (await ReadAsync(server, "max_items")).GetProperty("value").GetInt32());
        using var title = await server.Http.GetAsync("api/v1/settings/shop/title");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, title.StatusCode);
        await Axe.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task A_key_changed_after_the_page_loaded_shows_the_choice_on_save_and_keep_mine_saves_over_it()
    {
        await using var server = await StartAsync();
        await PutAsync(server, "max_items", 80);
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        await page.GotoAsync("/ns/shop");

        await page.Locator("#f-max_items").FillAsync("130");
        await PutAsync(server, "max_items", 140);
        await PreviewThenSaveAsync(page);

        await Assertions.Expect(page.Locator("#conflicts")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#conflict-max_items")).ToContainTextAsync("140");
        Assert.Equal(140, (await ReadAsync(server, "max_items")).GetProperty("value").GetInt32());
        await Axe.AssertAccessibleAsync(page);

        await page.Locator("#mine-max_items").CheckAsync();
        await page.Locator("#save-button").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToBeVisibleAsync();
        Assert.Equal(130, (await ReadAsync(server, "max_items")).GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Reset_to_default_removes_the_override()
    {
        await using var server = await StartAsync();
        await PutAsync(server, "max_items", 90);
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        await page.GotoAsync("/ns/shop");

        await page.Locator("#r-max_items").CheckAsync();
        await PreviewThenSaveAsync(page);

        await Assertions.Expect(page.Locator("#notice")).ToBeVisibleAsync();
        await Assertions.Expect(Role(page, "max_items", "value")).ToHaveTextAsync("50");
        await Assertions.Expect(Role(page, "max_items", "version")).ToHaveTextAsync("no override");
        await Assertions.Expect(page.Locator("#r-max_items")).ToHaveCountAsync(0);
        var read = await ReadAsync(server, "max_items");
        Assert.Equal(50, read.GetProperty("value").GetInt32());
        Assert.NotEqual("override", read.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Reveal_shows_a_secret_in_clear_to_a_caller_with_secrets_reveal()
    {
        await using var server = await StartAsync();
        await PutAsync(server, "api_key", Secret);
        await using var tab = await browser.SignedInAsync(server);
        var page = tab.Page;
        await page.GotoAsync("/ns/shop");
        await Assertions.Expect(Role(page, "api_key", "value")).ToHaveTextAsync("********");
        Assert.DoesNotContain(Secret, await page.ContentAsync());

        await page.Locator("#reveal-api_key").ClickAsync();
        await Assertions.Expect(page.Locator("#rv-api_key")).ToContainTextAsync(Secret);
        await Assertions.Expect(page.Locator("#f-api_key")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Reveal_without_secrets_reveal_is_refused_and_shows_nothing()
    {
        await using var server = await StartAsync();
        await PutAsync(server, "api_key", Secret);
        var created = await (await server.Http.PostAsJsonAsync("api/v1/tokens",
            new { name = "editor", grants = new[] { "config.read:shop", "config.write:shop" } })).ReadJsonAsync();
        await using var tab = await browser.SignedInAsync(server, created.GetProperty("token").GetString());
        var page = tab.Page;
        await page.GotoAsync("/ns/shop");

        var response = await page.RunAndWaitForResponseAsync(() => page.Locator("#reveal-api_key").ClickAsync(),
            r => r.Url.EndsWith("/ns/shop/reveal", StringComparison.Ordinal));
        Assert.Equal(403, response.Status);
        await Assertions.Expect(page.Locator("[role=alert]").First).ToContainTextAsync("secrets.reveal");
        await Assertions.Expect(page.Locator("#rv-api_key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(Secret, await page.ContentAsync());
    }

    [Theory]
    [InlineData(ColorScheme.Light, Screen.Desktop)]
    [InlineData(ColorScheme.Dark, Screen.Mobile)]
    public async Task Namespace_page_and_its_preview_have_no_axe_violations(ColorScheme scheme, Screen screen)
    {
        await using var server = await StartAsync();
        await PutAsync(server, "max_items", 80);
        await PutAsync(server, "api_key", Secret);
        await using var tab = await browser.SignedInAsync(server, look: new(scheme, screen));
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/ns/shop"))?.Ok);
        await Assertions.Expect(page.Locator("#settings-form")).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page);

        await page.Locator("#f-max_items").FillAsync("90");
        await page.Locator("#preview-button").ClickAsync();
        await Assertions.Expect(page.Locator("#preview")).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Screenshots_of_the_namespace_page_are_saved_in_every_look()
    {
        await using var server = await StartAsync();
        await PutAsync(server, "max_items", 120);
        await PutAsync(server, "dark_mode", true);
        await PutAsync(server, "title", "Summer sale");
        await PutAsync(server, "api_key", Secret);
        Assert.Equal(PageLook.All.Count, (await Screenshots.SaveAsync(browser, server, "/ns/shop", "namespace")).Count);
    }

    [GeneratedRegex(@"^Changed by .+ to Theirs while you were editing\.$")]
    private static partial Regex TheirsFlag();

    [GeneratedRegex(@"\bchanged-underneath\b")]
    private static partial Regex ChangedUnderneath();

    [GeneratedRegex(@"\be-max_items\b")]
    private static partial Regex ErrorDescribed();

    [GeneratedRegex(@"/ns/shop\?saved=[0-9]+$")]
    private static partial Regex Saved();

    [GeneratedRegex(@"/api/v1/watch\?")]
    private static partial Regex WatchRequest();
}
