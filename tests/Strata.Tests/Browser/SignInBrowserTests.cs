using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>Signing in with a password or a token, a wrong password, and signing out, in a real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SignInBrowserTests(BrowserFixture browser)
{
    private const string AdminToken = "browser-sign-in-admin-0123456789abcdef";
    private const string Password = "correct-horse-battery-staple";

    // Nobody is let in anonymously: every page needs the session the form opens.
    private static Task<TestServer> StartAsync() =>
        TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: []);

    private static async Task CreateUserAsync(TestServer server, string name, params string[] grants)
    {
        using var admin = server.CreateClient(AdminToken);
        (await admin.PostAsJsonAsync("api/v1/users", new { name, password = Password, grants })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("api/v1/settings/checkout/max_items", new { value = 7 })).EnsureSuccessStatusCode();
    }

    private static async Task<BrowserContextCookiesResult?> SessionCookieAsync(BrowserTab tab) =>
        (await tab.Context.CookiesAsync()).SingleOrDefault(c => c.Name == "strata_session");

    [Fact]
    public async Task Signing_in_with_a_password_opens_a_cookie_session_showing_the_users_namespaces()
    {
        await using var server = await StartAsync();
        await CreateUserAsync(server, "alice", "config.read:*");

        await using var tab = await browser.SignedInAsUserAsync(server, "alice", Password);
        var page = tab.Page;
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Namespaces");
        await Assertions.Expect(page.Locator("main ul.list strong")).ToHaveTextAsync(["checkout"]);
        var cookie = await SessionCookieAsync(tab);
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
    }

    [Fact]
    public async Task Signing_in_with_a_token_opens_a_session_named_after_the_token()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        var created = await (await admin.PostAsJsonAsync("api/v1/tokens", new { name = "deployer", grants = new[] { "config.read:*" } })).ReadJsonAsync();

        await using var tab = await browser.SignedInAsync(server, created.GetProperty("token").GetString());
        await Assertions.Expect(tab.Page.Locator("#signed-in-as")).ToHaveTextAsync("deployer");
        Assert.NotNull(await SessionCookieAsync(tab));
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_and_opens_no_session()
    {
        await using var server = await StartAsync();
        await CreateUserAsync(server, "alice", "config.read:*");
        await using var tab = await browser.OpenAsync(server);
        var page = tab.Page;

        await page.GotoAsync("/sign-in");
        await page.Locator("#user").FillAsync("alice");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.Locator("#sign-in-password").ClickAsync();

        await Assertions.Expect(page.Locator("#sign-in-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveCountAsync(0);
        // The user name stays filled in, the password does not.
        await Assertions.Expect(page.Locator("#user")).ToHaveValueAsync("alice");
        await Assertions.Expect(page.Locator("#password")).ToHaveValueAsync("");
        Assert.Null(await SessionCookieAsync(tab));
    }

    [Fact]
    public async Task Signing_out_returns_to_sign_in_and_the_page_left_behind_then_asks_to_sign_in()
    {
        await using var server = await StartAsync();
        await CreateUserAsync(server, "alice", "config.read:*");
        await using var tab = await browser.SignedInAsUserAsync(server, "alice", Password);
        var page = tab.Page;
        Assert.True((await page.GotoAsync("/ns/checkout"))?.Ok);

        await page.Locator("#sign-out").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(SignInPage());
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveCountAsync(0);

        await page.GotoAsync("/ns/checkout");
        await Assertions.Expect(page).ToHaveURLAsync(ReturnToCheckout());
        await Assertions.Expect(page.Locator("#token")).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData(ColorScheme.Light, Screen.Desktop)]
    [InlineData(ColorScheme.Dark, Screen.Mobile)]
    public async Task Sign_in_page_and_its_error_have_no_axe_violations(ColorScheme scheme, Screen screen)
    {
        await using var server = await StartAsync();
        await using var tab = await browser.OpenAsync(server, new(scheme, screen));
        var page = tab.Page;
        await page.GotoAsync("/sign-in");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await Axe.AssertAccessibleAsync(page);

        await page.Locator("#token").FillAsync("not-a-token-of-this-server");
        await page.Locator("#sign-in-token").ClickAsync();
        await Assertions.Expect(page.Locator("#sign-in-error")).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Screenshots_of_the_sign_in_page_are_saved_in_every_look()
    {
        await using var server = await StartAsync();
        Assert.Equal(PageLook.All.Count, (await Screenshots.SaveAsync(browser, server, "/sign-in", "sign-in", signedIn: false)).Count);
    }

    [GeneratedRegex(@"/sign-in$")]
    private static partial Regex SignInPage();

    [GeneratedRegex(@"/sign-in\?returnUrl=%2Fns%2Fcheckout$")]
    private static partial Regex ReturnToCheckout();

    [Fact]
    public async Task A_session_survives_a_server_restart_and_the_page_opens_signed_in()
    {
        using var data = new TempDirectory();
        var first = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: [], dir: data);
        await using var tab = await browser.SignedInAsync(first, AdminToken);
        await first.DisposeAsync();

        // Same data folder, a new process's state and a new port; cookies belong to the host, not the port.
        await using var second = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: [], dir: data);
        Assert.True((await tab.Page.GotoAsync(new Uri(second.Address, "/").ToString()))?.Ok);
        await Assertions.Expect(tab.Page.Locator("#signed-in-as")).ToHaveTextAsync("admin");
        Assert.DoesNotContain("/sign-in", tab.Page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_session_sends_the_page_back_to_sign_in()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
            o.Ui.SessionIdleTimeout = TimeSpan.FromMinutes(30);
        }, anonymousGrants: [], clock: clock);
        await using var tab = await browser.SignedInAsync(server, AdminToken);
        Assert.True((await tab.Page.GotoAsync("/"))?.Ok);

        clock.Advance(TimeSpan.FromMinutes(31));
        await tab.Page.GotoAsync("/");
        await Assertions.Expect(tab.Page).ToHaveURLAsync(new Regex("/sign-in\\?returnUrl="));
        await Assertions.Expect(tab.Page.Locator("#token")).ToBeVisibleAsync();
    }
}
