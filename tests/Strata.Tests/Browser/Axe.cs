using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Strata.Tests.Browser;

/// <summary>axe-core (from tests/browser's npm package) run in the page as it stands: WCAG 2.1 A and AA rules.</summary>
public static class Axe
{
    private static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
    private static readonly Lazy<string> Source = new(ReadSource);

    /// <summary>Fails listing every violation (rule, impact, help, the offending elements' selectors).</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var violations = await ViolationsAsync(page);
        if (violations.Count > 0)
            Assert.Fail($"axe-core found {violations.Count} WCAG 2.1 A/AA violation(s) on {page.Url}:\n{string.Join("\n", violations)}");
    }

    /// <summary>The violations axe-core reports, one line each.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page)
    {
        await InjectAsync(page);
        var result = await page.EvaluateAsync<JsonElement>(
            "tags => axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })", Tags);
        var lines = new List<string>();
        foreach (var violation in result.GetProperty("violations").EnumerateArray())
        {
            var line = new StringBuilder();
            line.Append($"- {violation.GetProperty("id").GetString()} ({violation.GetProperty("impact").GetString()}): ")
                .Append(violation.GetProperty("help").GetString());
            foreach (var node in violation.GetProperty("nodes").EnumerateArray())
                line.Append("\n    ").Append(string.Join(" ", node.GetProperty("target").EnumerateArray().Select(t => t.ToString())))
                    .Append(" — ").Append(node.GetProperty("failureSummary").GetString()?.ReplaceLineEndings(" "));
            lines.Add(line.ToString());
        }
        return lines;
    }

    // Evaluated through the DevTools protocol, which the page's CSP does not govern: no script tag, no BypassCSP,
    // so axe checks the very page (and state) the test is looking at.
    private static async Task InjectAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync(Source.Value);
    }

    private static string ReadSource()
    {
        var path = BrowserFiles.AxeScript;
        if (!File.Exists(path))
            throw new InvalidOperationException($"axe-core is not installed at {path}: run `npm ci --prefix tests/browser` (.ci/run does).");
        return File.ReadAllText(path);
    }
}
