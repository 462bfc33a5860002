using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Engine;
using Strata.Validation;

namespace Strata.Http;

/// <summary>
/// <c>?wait=30s&amp;index=N</c> on a namespace read: hold the answer until the namespace's index passes N or the wait
/// (capped, plus jitter so a fleet does not come back at once) runs out. Only commits to that namespace wake it.
/// </summary>
internal sealed record LongPoll(long Index, TimeSpan Wait)
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);

    public static (LongPoll? Poll, IResult? Problem) Parse(HttpRequest request)
    {
        var query = request.Query;
        if (!query.TryGetValue("index", out var indexText))
            return query.ContainsKey("wait")
                ? (null, Problems.BadRequest("index", "required", "'wait' needs an 'index': the Strata-Index of the previous answer."))
                : (null, null);
        if (!long.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return (null, Problems.BadRequest("index", "type", "'index' must be a revision number (0 or more)."));
        if (query.ContainsKey("asOf") || query.ContainsKey("at"))
            return (null, Problems.BadRequest("index", "conflict", "A long-poll waits for new changes: it cannot read as of the past."));
        var wait = DefaultWait;
        if (query.TryGetValue("wait", out var waitText))
        {
            if (!DurationParser.TryParse(waitText.ToString(), out wait) || wait < TimeSpan.Zero)
                return (null, Problems.BadRequest("wait", "type", "'wait' must be a duration such as 500ms, 30s or 5m."));
            if (wait > MaxWait) wait = MaxWait;
        }
        return (new LongPoll(index, wait), null);
    }

    /// <summary>Returns once the namespace's index is past <see cref="Index"/>, the wait is over, or the caller left.</summary>
    public async Task WaitAsync(SettingsEngine engine, string ns, TimeProvider time, CancellationToken aborted)
    {
        var jitter = TimeSpan.FromTicks((long)(Wait.Ticks / 16.0 * Random.Shared.NextDouble()));
        using var timeout = new CancellationTokenSource(Wait + jitter, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
        var expired = Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
        while (!stop.IsCancellationRequested)
        {
            // The signal first, then the index: a commit between the two still completes the signal.
            var changed = engine.Feed.NextChange(ns);
            if ((engine.Current.Namespace(ns)?.Revision ?? 0) > Index) return;
            await Task.WhenAny(changed, expired).ConfigureAwait(false);
        }
    }
}
