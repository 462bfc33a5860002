using Microsoft.Playwright;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>
/// One headless Chromium (Debian's, driven by Playwright) for the whole browser collection. Each test opens its own
/// context with <see cref="SignedInAsync"/> or <see cref="OpenAsync"/>, so cookies never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // The background-networking flags keep Chromium from calling home: this machine refuses every such connection.
    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run",
    ];

    /// <summary>How long one Playwright action or wait may take before the test fails (instead of hanging).</summary>
    public const float ActionTimeoutMs = 15_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    internal IPlaywright Playwright => _playwright ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(ActionTimeoutMs);
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await LaunchAsync(_playwright, BrowserFiles.Chromium);
    }

    /// <summary>Launches the given Chromium; a missing one fails with what to install (never a download).</summary>
    internal static Task<IBrowser> LaunchAsync(IPlaywright playwright, string executable)
    {
        if (!File.Exists(executable))
            throw new InvalidOperationException(
                $"Browser tests need Debian's Chromium at {executable}, which is not there: run `apt-get install chromium` " +
                "(.ci/run installs it; see docs/ui.md, \"Browser tests\"). Playwright's own browsers are never downloaded.");
        return playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true, Args = Args, Timeout = 60_000 });
    }

    /// <summary>
    /// A page signed in to <paramref name="server"/> through its sign-in form with <paramref name="token"/>, as a
    /// person does, so the page runs on a session cookie; without a token, with a new <c>admin:*</c> token issued
    /// through the API by the server's anonymous caller (the test server grants it <c>admin:*</c> unless told
    /// otherwise). No request carries a bearer token: the one place that knows how a browser test signs in.
    /// </summary>
    public async Task<BrowserTab> SignedInAsync(TestServer server, string? token = null, PageLook? look = null)
    {
        token ??= await AdminTokenAsync(server);
        var tab = await OpenAsync(server, look);
        await SignInWithTokenAsync(tab.Page, token);
        return tab;
    }

    /// <summary>A page signed in to <paramref name="server"/> through the sign-in form with a user name and password.</summary>
    public async Task<BrowserTab> SignedInAsUserAsync(TestServer server, string user, string password, PageLook? look = null)
    {
        var tab = await OpenAsync(server, look);
        await SignInWithPasswordAsync(tab.Page, user, password);
        return tab;
    }

    /// <summary>Fills in the sign-in form's token field and waits until the page it leads to says who is signed in.</summary>
    public static async Task SignInWithTokenAsync(IPage page, string token)
    {
        await page.GotoAsync("/sign-in");
        await page.Locator("#token").FillAsync(token);
        await page.Locator("#sign-in-token").ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in-as")).ToBeVisibleAsync();
    }

    /// <summary>Fills in the sign-in form's user name and password and waits until the page says who is signed in.</summary>
    public static async Task SignInWithPasswordAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/sign-in");
        await page.Locator("#user").FillAsync(user);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#sign-in-password").ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveTextAsync(user);
    }

    private static async Task<string> AdminTokenAsync(TestServer server)
    {
        using var response = await server.Http.PostAsync("api/v1/tokens",
            System.Net.Http.Json.JsonContent.Create(new { name = "browser", grants = new[] { "admin:*" } }));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException(
                $"The test server's anonymous caller could not issue a browser token ({(int)response.StatusCode}): pass SignedInAsync a token.");
        var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>
    /// A page in a fresh context on <paramref name="server"/>, not signed in. <paramref name="bypassCsp"/> turns the
    /// page's Content-Security-Policy off: only to prove a test would notice what the policy blocks.
    /// </summary>
    public async Task<BrowserTab> OpenAsync(TestServer server, PageLook? look = null, bool bypassCsp = false)
    {
        look ??= PageLook.LightDesktop;
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = server.Address.ToString(),
            ColorScheme = look.Scheme,
            ViewportSize = look.Viewport,
            IsMobile = look.Screen == Screen.Mobile,
            HasTouch = look.Screen == Screen.Mobile,
            BypassCSP = bypassCsp,
        });
        context.SetDefaultTimeout(ActionTimeoutMs);
        return new BrowserTab(context, await context.NewPageAsync(), look);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}
