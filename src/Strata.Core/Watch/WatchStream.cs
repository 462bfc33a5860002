using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Strata.Engine;
using Strata.Security;

namespace Strata.Watch;

/// <summary>
/// One watcher's events (docs/watch.md): history after its resume point, then live events, with no gap and no
/// duplicate across the switch; a watcher that falls behind resumes from history the same way. Ends with a
/// <c>closing</c> event when <paramref name="ending"/> fires (shutdown, token revoked or expired).
/// </summary>
internal sealed class WatchStream(SettingsEngine engine, WatchFormat format, SigningKey key, long? resumeAfter,
    CancellationToken ending, Func<string> endingReason, Func<bool> stillAllowed, Func<Task> auditReveal, Action? seen = null)
{
    public const string Heartbeat = "heartbeat", Reset = "reset", Closing = "closing";
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    private bool _first = true;

    public async IAsyncEnumerable<SseItem<byte[]>> RunAsync([EnumeratorCancellation] CancellationToken aborted = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, ending);
        var revealed = false;
        await using var events = FeedFollower.FollowAsync(engine, resumeAfter, format.Watches, stop.Token,
            // A commit is acknowledged (and in the snapshot) just before it is published: a client that read the
            // snapshot may name a revision the feed has not announced yet. That is not the future.
            (position, current) => ResetReason(position, current, Math.Max(current, engine.Current.Revision)), heartbeats: true).GetAsyncEnumerator(stop.Token);
        while (await MoveNextAsync(events).ConfigureAwait(false))
        {
            var next = events.Current;
            switch (next.Event)
            {
                case ChangeEvent.Heartbeat:
                    if (!stillAllowed()) goto Stopped;
                    seen?.Invoke();
                    yield return Item(next.Rendered(Heartbeat, key, static (e, k) => HeartbeatBytes(k, e.Revision, e.At)), Heartbeat);
                    break;
                case ChangeEvent.Reset:
                    yield return Item(ResetBytes(next.Revision, next.Reason!), Reset);
                    break;
                case ChangeEvent.Reloaded:
                    yield return format.Reloaded(next) is { } reloaded
                        ? Item(reloaded, format.ReloadEvent, next.Revision)
                        : Item(ResetBytes(next.Revision, "the server re-read its store"), Reset);
                    break;
                default:
                    var bytes = next.Rendered(format.Key, format, static (e, f) => f.Render(e));
                    if (bytes.Length == 0) break;
                    if (!revealed && format.RevealsSecretIn(next))
                    {
                        revealed = true;
                        await auditReveal().ConfigureAwait(false);
                    }
                    yield return Item(bytes, format.ChangeEvent, next.Revision);
                    break;
            }
        }
    Stopped:
        if (!aborted.IsCancellationRequested) yield return Item(ClosingBytes(endingReason()), Closing);
    }

    /// <summary>False at the end, or once the stream is told to stop (a replay that is cut short throws it).</summary>
    private static async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<ChangeEvent> events)
    {
        try
        {
            return await events.MoveNextAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private string? ResetReason(long position, long current, long committed)
    {
        if (position > committed) return $"since {position} is after the current revision {committed}";
        var max = Math.Max(0, engine.Options.Watch.MaxReplay);
        if (current - position > max) return $"since {position} is {current - position} revisions behind; at most {max} are replayed";
        return null;
    }

    private SseItem<byte[]> Item(byte[] data, string type, long? revision = null)
    {
        var item = new SseItem<byte[]>(data, type)
        {
            EventId = revision?.ToString(CultureInfo.InvariantCulture),
            ReconnectionInterval = _first ? Retry : null,
        };
        _first = false;
        return item;
    }

    private static byte[] HeartbeatBytes(SigningKey key, long revision, long at) => SignedJson.Write(key, (revision, at), static (w, s) =>
    {
        w.WriteNumber("revision", s.revision);
        SignedJson.Time(w, "at", s.at);
    });

    private byte[] ResetBytes(long revision, string reason) => SignedJson.Write(key, (revision, reason), static (w, s) =>
    {
        w.WriteNumber("revision", s.revision);
        w.WriteString("reason", s.reason);
    });

    private byte[] ClosingBytes(string reason) => SignedJson.Write(key, reason, static (w, r) =>
    {
        w.WriteString("reason", r);
        w.WriteNumber("retryAfterMs", (long)Retry.TotalMilliseconds);
    });
}
