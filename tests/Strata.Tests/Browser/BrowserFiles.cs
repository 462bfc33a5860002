using System.Reflection;

namespace Strata.Tests.Browser;

/// <summary>Files of the repository the browser tests read or write (paths recorded at build time).</summary>
internal static class BrowserFiles
{
    private static readonly string Root = Path.GetFullPath(typeof(BrowserFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!);

    /// <summary>Debian's Chromium (`apt-get install chromium`); Playwright's own browser builds cannot be downloaded here.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>axe-core as `npm ci --prefix tests/browser` installs it (version pinned in tests/browser/package-lock.json).</summary>
    public static string AxeScript => Path.Combine(Root, "tests", "browser", "node_modules", "axe-core", "axe.min.js");

    public static string Screenshots => Path.Combine(Root, "docs", "screenshots");
}
