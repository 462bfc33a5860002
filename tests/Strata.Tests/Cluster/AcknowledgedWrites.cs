using System.Collections.Concurrent;
using System.Text.Json;

namespace Strata.Tests.Cluster;

/// <summary>
/// The writes a load test got acknowledged (200/201 with their <c>Strata-Revision</c>), checked against the history
/// and against what each instance serves and streams afterwards. Each writer owns one key and writes 0, 1, 2…
/// </summary>
internal sealed class AcknowledgedWrites
{
    private readonly ConcurrentDictionary<long, (string Key, int Value)> _byRevision = new();
    private readonly ConcurrentBag<(int Count, TaskCompletionSource Reached)> _waiting = [];

    public int Count => _byRevision.Count;

    public void Add(long revision, string key, int value)
    {
        if (!_byRevision.TryAdd(revision, (key, value))) throw new InvalidOperationException($"Two writes were acknowledged at revision {revision}.");
        foreach (var (count, reached) in _waiting) if (Count >= count) reached.TrySetResult();
    }

    /// <summary>Completes once <paramref name="count"/> writes have been acknowledged.</summary>
    public Task Reached(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((count, reached));
        if (Count >= count) reached.TrySetResult();
        return reached.Task;
    }

    /// <summary>
    /// The namespace's history (oldest first) holds every acknowledged write at its revision; its revisions are
    /// gap-free and strictly increasing, and each key's versions count 1, 2, 3… (nothing applied twice). Returns each
    /// key's last value and version.
    /// </summary>
    public Dictionary<string, (int Value, long Version)> AssertInHistory(IReadOnlyList<JsonElement> history)
    {
        var revisions = history.Select(r => r.GetProperty("revision").GetInt64()).ToList();
        Assert.NotEmpty(revisions);
        Assert.Equal(Enumerable.Range((int)revisions[0], revisions.Count).Select(r => (long)r), revisions);
        var byRevision = history.ToDictionary(r => r.GetProperty("revision").GetInt64());
        var missing = _byRevision.Where(a => !byRevision.TryGetValue(a.Key, out var r)
            || r.GetProperty("key").GetString() != a.Value.Key || r.GetProperty("newValue").GetInt32() != a.Value.Value).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes are not in the history as acknowledged, e.g. r{missing.FirstOrDefault().Key}");
        var last = new Dictionary<string, (int Value, long Version)>();
        foreach (var record in history)
        {
            var key = record.GetProperty("key").GetString()!;
            var version = record.GetProperty("version").GetInt64();
            Assert.Equal(last.TryGetValue(key, out var previous) ? previous.Version + 1 : 1, version);
            last[key] = (record.GetProperty("newValue").GetInt32(), version);
        }
        return last;
    }
}
