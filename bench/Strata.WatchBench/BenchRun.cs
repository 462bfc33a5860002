using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Strata.WatchBench;

/// <summary>
/// One cell of the matrix: open every watch, wait until each is live, then write one value at a time and wait until
/// it has reached every watcher (or the delivery timeout passed) before a short pause and the next write.
/// </summary>
internal sealed class BenchRun(BenchOptions options, ITarget target)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var server = options.ServerPid is { } pid ? new ServerProcess(pid) : null;
        var endpoint = new IPEndPoint(IPAddress.Parse(options.Url.Host), options.Url.Port);
        var total = options.Warmup + options.Writes;

        // The key exists, and the write path is warm, before any watch opens: watches start at the current revision.
        await target.WriteAsync(-1, ct).ConfigureAwait(false);

        var delivery = new Delivery(options.Watchers);
        var watchers = new WatchConnection[options.Watchers];
        var readers = new Task[options.Watchers];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(options.ConnectConcurrency))
        {
            var connects = new Task[options.Watchers];
            for (var i = 0; i < watchers.Length; i++)
            {
                var watcher = watchers[i] = new WatchConnection(target.NewProtocol(), delivery, total + 8);
                await gate.WaitAsync(ct).ConfigureAwait(false);
                var n = i;
                connects[i] = Task.Run(async () =>
                {
                    try
                    {
                        await watcher.ConnectAsync(endpoint, target.WatchRequest, stop.Token).ConfigureAwait(false);
                        readers[n] = watcher.ReadAsync(stop.Token);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }, ct);
            }
            await Task.WhenAll(connects).ConfigureAwait(false);
        }
        var live = await Task.WhenAny(delivery.AllReady, delivery.AnyFailed, Task.Delay(options.ReadyTimeout, ct)).ConfigureAwait(false);
        if (live != delivery.AllReady)
        {
            Console.Error.WriteLine($"only {delivery.ReadyCount} of {options.Watchers} watches were live after {clock.Elapsed.TotalSeconds:0.0} s; " +
                $"{delivery.FailedCount} failed, the first: {watchers.FirstOrDefault(w => w.Failure is not null)?.Failure ?? "none"}");
            return 2;
        }
        var connectSeconds = clock.Elapsed.TotalSeconds;
        var rssConnected = server?.RssKib() ?? 0;

        var sent = new long[total];
        var revisions = new long[total];
        var acks = new double[options.Writes];
        var timeouts = 0;
        double cpuStart = 0, ownCpuStart = 0, measuredSeconds = 0;
        var measured = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            if (i == options.Warmup)
            {
                cpuStart = server?.CpuSeconds() ?? 0;
                ownCpuStart = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                measured.Restart();
            }
            var reached = delivery.Expect((long)options.Watchers * (i + 1));
            (sent[i], revisions[i]) = await target.WriteAsync(i, ct).ConfigureAwait(false);
            if (i >= options.Warmup) acks[i - options.Warmup] = Stopwatch.GetElapsedTime(sent[i]).TotalMilliseconds;
            try
            {
                await reached.WaitAsync(options.DeliveryTimeout, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                timeouts++;
            }
            if (options.Pause > TimeSpan.Zero) await Task.Delay(options.Pause, ct).ConfigureAwait(false);
        }
        measuredSeconds = measured.Elapsed.TotalSeconds;
        var serverCpu = server is null ? double.NaN : (server.CpuSeconds() - cpuStart) / measuredSeconds * 100;
        var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - ownCpuStart) / measuredSeconds * 100;
        var rssEnd = server?.RssKib() ?? 0;
        var rssPeak = server?.PeakRssKib() ?? 0;
        // Failures while measuring; closing the sockets below fails every read on purpose.
        var failures = delivery.FailedCount;
        var firstFailure = watchers.FirstOrDefault(w => w.Failure is not null)?.Failure;

        stop.Cancel();
        foreach (var w in watchers) w.Close();
        await Task.WhenAll(readers.Where(r => r is not null)).ConfigureAwait(false);

        var latencies = Latencies.From(watchers, sent, revisions, options.Warmup);
        Array.Sort(acks);
        var overflow = watchers.Sum(w => w.Overflow);
        static string Ms(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        static string Mb(long kib) => (kib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
        var fields = new (string Name, string Value)[]
        {
            ("target", options.Target), ("watchers", Num(options.Watchers)), ("writes", Num(options.Writes)),
            ("pairs", Num(latencies.Pairs)), ("p50_ms", Ms(latencies.Percentile(0.50))), ("p99_ms", Ms(latencies.Percentile(0.99))),
            ("max_ms", Ms(latencies.Percentile(1))), ("write_ack_p50_ms", Ms(acks[(acks.Length - 1) / 2])),
            ("write_ack_p99_ms", Ms(acks[Math.Clamp((int)Math.Ceiling(0.99 * acks.Length) - 1, 0, acks.Length - 1)])), ("write_ack_max_ms", Ms(acks[^1])),
            ("missed", Num(latencies.Missed)), ("duplicates", Num(latencies.Duplicates)),
            ("stale", Num(latencies.Stale + overflow)), ("delivery_timeouts", Num(timeouts)), ("stream_failures", Num(failures)),
            ("connect_s", connectSeconds.ToString("0.0", CultureInfo.InvariantCulture)),
            ("server_rss_connected_mb", Mb(rssConnected)), ("server_rss_end_mb", Mb(rssEnd)), ("server_rss_peak_mb", Mb(rssPeak)),
            ("server_cpu_pct", serverCpu.ToString("0", CultureInfo.InvariantCulture)),
            ("client_cpu_pct", ownCpu.ToString("0", CultureInfo.InvariantCulture)),
            ("write_phase_s", measuredSeconds.ToString("0.0", CultureInfo.InvariantCulture)),
        };
        Console.WriteLine("RESULT " + string.Join(' ', fields.Select(f => $"{f.Name}={f.Value}")));
        if (failures > 0) Console.Error.WriteLine($"{failures} streams failed; the first: {firstFailure}");
        return latencies.Missed == 0 && failures == 0 && latencies.Duplicates == 0 ? 0 : 1;
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
