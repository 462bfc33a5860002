using System.Diagnostics;

namespace Strata.WatchBench;

/// <summary>Every (write, watcher) pair's latency, from just before the write was sent to the event's arrival.</summary>
internal sealed class Latencies
{
    private readonly List<double> _ms = [];

    public int Pairs => _ms.Count;
    public long Missed { get; private set; }
    public long Duplicates { get; private set; }
    public long Stale { get; private set; }

    /// <summary>
    /// Matches each watcher's recorded events with the writes' revisions; the first <paramref name="warmup"/> writes
    /// are not counted. An event for no write of this run is counted as stale, a second one for a write as a duplicate.
    /// </summary>
    public static Latencies From(IReadOnlyList<WatchConnection> watchers, long[] sent, long[] revisions, int warmup)
    {
        var result = new Latencies();
        var index = new Dictionary<long, int>(revisions.Length);
        for (var i = 0; i < revisions.Length; i++) index[revisions[i]] = i;
        var seen = new bool[revisions.Length];
        foreach (var watcher in watchers)
        {
            Array.Clear(seen);
            for (var e = 0; e < watcher.Count; e++)
            {
                if (!index.TryGetValue(watcher.Revisions[e], out var write))
                {
                    result.Stale++;
                    continue;
                }
                if (seen[write])
                {
                    result.Duplicates++;
                    continue;
                }
                seen[write] = true;
                if (write >= warmup) result._ms.Add(Stopwatch.GetElapsedTime(sent[write], watcher.Arrivals[e]).TotalMilliseconds);
            }
            for (var w = warmup; w < seen.Length; w++)
                if (!seen[w]) result.Missed++;
        }
        result._ms.Sort();
        return result;
    }

    /// <summary>Nearest-rank percentile, in milliseconds (<paramref name="q"/> 1 is the maximum).</summary>
    public double Percentile(double q) =>
        _ms.Count == 0 ? double.NaN : _ms[Math.Clamp((int)Math.Ceiling(q * _ms.Count) - 1, 0, _ms.Count - 1)];
}
