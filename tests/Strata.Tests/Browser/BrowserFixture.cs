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
    /// A page signed in to <paramref name="server"/>: with <paramref name="token"/> as its bearer token, or else as the
    /// server's anonymous caller (the test server grants <c>admin:*</c> unless told otherwise). The one place that
    /// knows how a browser test signs in; when the sign-in form lands it signs in through the form here.
    /// </summary>
    public Task<BrowserTab> SignedInAsync(TestServer server, string? token = null, PageLook? look = null) =>
        OpenAsync(server, look, headers: token is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" });

    /// <summary>
    /// A page in a fresh context on <paramref name="server"/>, not signed in. <paramref name="bypassCsp"/> turns the
    /// page's Content-Security-Policy off: only to prove a test would notice what the policy blocks.
    /// </summary>
    public async Task<BrowserTab> OpenAsync(TestServer server, PageLook? look = null, bool bypassCsp = false,
        IEnumerable<KeyValuePair<string, string>>? headers = null)
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
            ExtraHTTPHeaders = headers,
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
