using Microsoft.Playwright;

namespace Strata.Tests.Browser;

/// <summary>A page in a browser context of its own (own cookies and storage); disposing closes the context.</summary>
public sealed class BrowserTab(IBrowserContext context, IPage page, PageLook look) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;

    /// <summary>The page; relative URLs (<c>GotoAsync("/")</c>) go to the test server.</summary>
    public IPage Page { get; } = page;

    public PageLook Look { get; } = look;

    public ValueTask DisposeAsync() => new(Context.CloseAsync());
}
