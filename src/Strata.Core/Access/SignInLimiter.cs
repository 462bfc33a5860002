using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Strata.Access;

/// <summary>
/// Counts failed sign-ins per user name and per client address over a fixed window that starts at the first failure;
/// past the limit, attempts are refused (429) until the window ends. Memory stays bounded: at most
/// <see cref="MaxKeys"/> keys, expired windows dropped first.
/// </summary>
internal sealed class SignInLimiter(IOptions<StrataOptions> options, TimeProvider time)
{
    public const int MaxKeys = 10_000;
    private readonly StrataUiOptions _options = options.Value.Ui;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public static string UserKey(string name) => "user:" + name.ToLowerInvariant();

    public static string AddressKey(System.Net.IPAddress? address) => "address:" + (ClientSource.Of(address)?.ToString() ?? "unknown");

    /// <summary>Seconds until <paramref name="key"/> may try again, or null when it may now.</summary>
    public int? RetryAfter(string key, bool perAddress)
    {
        var limit = perAddress ? _options.MaxFailedSignInsPerAddress : _options.MaxFailedSignIns;
        if (!_windows.TryGetValue(key, out var window)) return null;
        var left = window.Start + (long)_options.FailedSignInWindow.TotalMilliseconds - Now;
        if (left <= 0 || window.Count < limit) return null;
        return (int)Math.Max(1, Math.Ceiling(left / 1000.0));
    }

    public void Fail(string key)
    {
        if (_windows.Count >= MaxKeys) Prune();
        var now = Now;
        var span = (long)_options.FailedSignInWindow.TotalMilliseconds;
        _windows.AddOrUpdate(key, static (_, at) => new Window(at.Now, 1),
            static (_, w, at) => w.Start + at.Span <= at.Now ? new Window(at.Now, 1) : w with { Count = w.Count + 1 }, (Now: now, Span: span));
    }

    public void Reset(string key) => _windows.TryRemove(key, out _);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Prune()
    {
        var cutoff = Now - (long)_options.FailedSignInWindow.TotalMilliseconds;
        foreach (var (key, window) in _windows)
            if (window.Start <= cutoff) _windows.TryRemove(key, out _);
        // Still full: the oldest go, so a flood of made-up names cannot grow memory.
        if (_windows.Count >= MaxKeys)
            foreach (var (key, _) in _windows.OrderBy(w => w.Value.Start).Take(_windows.Count - MaxKeys / 2).ToList())
                _windows.TryRemove(key, out _);
    }

    private readonly record struct Window(long Start, int Count);
}
