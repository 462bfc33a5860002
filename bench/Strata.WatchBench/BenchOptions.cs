using System.Globalization;

namespace Strata.WatchBench;

/// <summary>
/// The command line: <c>--target strata|etcd --url http://127.0.0.1:PORT --watchers N --writes W ...</c>. With
/// <c>--write-url</c> (Strata only) writes go to another instance than the watchers: propagation across a shared store.
/// </summary>
internal sealed record BenchOptions(
    string Target, Uri Url, Uri? WriteUrl, int Watchers, int Writes, int Warmup, TimeSpan Pause, string? TokenFile, int? ServerPid,
    int ConnectConcurrency, TimeSpan ReadyTimeout, TimeSpan DeliveryTimeout)
{
    public const string Usage =
        "strata-watchbench --target strata|etcd --url http://127.0.0.1:PORT [--write-url http://127.0.0.1:PORT2]\n" +
        "                  [--watchers 1] [--writes 200] [--warmup 20]\n" +
        "                  [--pause-ms 5] [--token-file data/admin.token] [--server-pid PID] [--connect-concurrency 128]\n" +
        "                  [--ready-timeout-s 120] [--delivery-timeout-s 10]";

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }

        string? Text(string name) => values.Remove(name, out var v) ? v : null;
        int Number(string name, int fallback, int min)
        {
            var text = Text(name);
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min)
                throw new ArgumentException($"--{name} must be a whole number ≥ {min}, got '{text}'");
            return n;
        }

        var target = Text("target") ?? throw new ArgumentException("--target is required");
        if (target is not ("strata" or "etcd")) throw new ArgumentException($"--target must be strata or etcd, got '{target}'");
        var url = Loopback(Text("url") ?? throw new ArgumentException("--url is required"), "url");
        var writeUrl = Text("write-url") is { } writeText ? Loopback(writeText, "write-url") : null;
        var pid = Text("server-pid");
        var options = new BenchOptions(target, url, writeUrl,
            Watchers: Number("watchers", 1, 1),
            Writes: Number("writes", 200, 1),
            Warmup: Number("warmup", 20, 0),
            Pause: TimeSpan.FromMilliseconds(Number("pause-ms", 5, 0)),
            TokenFile: Text("token-file"),
            ServerPid: pid is null ? null : int.Parse(pid, NumberStyles.None, CultureInfo.InvariantCulture),
            ConnectConcurrency: Number("connect-concurrency", 128, 1),
            ReadyTimeout: TimeSpan.FromSeconds(Number("ready-timeout-s", 120, 1)),
            DeliveryTimeout: TimeSpan.FromSeconds(Number("delivery-timeout-s", 10, 1)));
        if (values.Count > 0) throw new ArgumentException($"unknown option --{values.Keys.First()}");
        if (target == "strata" && options.TokenFile is null) throw new ArgumentException("--token-file is required for strata");
        if (target == "etcd" && writeUrl is not null) throw new ArgumentException("--write-url is for strata only");
        return options;
    }

    private static Uri Loopback(string text, string name) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == "http" && url.IsLoopback
            ? url
            : throw new ArgumentException($"--{name} must be an http URL on loopback, got '{text}'");
}
