using System.Globalization;
using Microsoft.Playwright;

// strata-uibench --url http://127.0.0.1:PORT --token-file FILE --path /ns/bench [--runs 30] [--warmup 5]
// Signs in with the token (the UI's own form), then loads the page --runs times in a fresh tab each, and prints,
// from the browser's Navigation and Paint Timing, p50 / p99 / max of: first byte, last byte, DOM ready, first
// contentful paint, load. One RESULT line for run.sh.
var options = Args.Parse(args);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--no-first-run"],
});
await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = options.Url });
var signIn = await context.NewPageAsync();
await signIn.GotoAsync("/sign-in");
await signIn.FillAsync("#token", (await File.ReadAllTextAsync(options.TokenFile)).Trim());
await signIn.ClickAsync("#sign-in-token");
await signIn.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
await signIn.CloseAsync();

string[] names = ["first_byte", "last_byte", "dom_ready", "first_paint", "load"];
var samples = names.Select(_ => new List<double>()).ToArray();
long bytes = 0;
for (var run = 0; run < options.Warmup + options.Runs; run++)
{
    var page = await context.NewPageAsync();
    var response = await page.GotoAsync(options.Path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
    if (response is null || response.Status != 200) throw new InvalidOperationException($"{options.Path} answered {response?.Status}");
    // FCP is reported once painted; the load event may come first on a small page, so wait for the entry.
    var timing = await page.EvaluateAsync<double[]>("""
        async () => {
          const fcp = await new Promise(resolve => {
            const seen = performance.getEntriesByName('first-contentful-paint')[0];
            if (seen) return resolve(seen.startTime);
            new PerformanceObserver(list => resolve(list.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
          });
          const n = performance.getEntriesByType('navigation')[0];
          return [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd, fcp, n.loadEventEnd, n.encodedBodySize];
        }
        """);
    if (run >= options.Warmup)
        for (var i = 0; i < names.Length; i++) samples[i].Add(timing[i]);
    bytes = (long)timing[5];
    await page.CloseAsync();
}

var line = new List<string> { $"path={options.Path}", $"runs={options.Runs}", $"html_bytes={bytes}" };
for (var i = 0; i < names.Length; i++)
{
    var sorted = samples[i].Order().ToArray();
    line.Add($"{names[i]}_p50_ms={Percentile(sorted, 0.50):F1}");
    line.Add($"{names[i]}_p99_ms={Percentile(sorted, 0.99):F1}");
    line.Add($"{names[i]}_max_ms={sorted[^1]:F1}");
}
Console.WriteLine("RESULT " + string.Join(' ', line));

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

internal sealed record Args(string Url, string TokenFile, string Path, int Runs, int Warmup)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected --name value, got '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int Number(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Args(Required("url"), Required("token-file"), values.GetValueOrDefault("path", "/"), Number("runs", 30), Number("warmup", 5));
    }
}
