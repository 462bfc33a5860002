using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Strata.Engine;

/// <summary>
/// Follows the change feed from a revision: history first, then live events; a follower that fell a whole buffer
/// behind goes back to history where it left off. Every commit that touches a watched namespace is seen once, in
/// order, never coalesced. Watch streams (SSE) and in-process subscribers both read it.
/// </summary>
internal static class FeedFollower
{
    /// <summary>
    /// Change and reload events after <paramref name="after"/> (null: from the current revision).
    /// <paramref name="resetWhen"/>, asked at each subscription with the resume point and the feed's revision, may
    /// give a reason to skip history: a <c>reset</c> event comes instead and the follower goes on from the feed's
    /// revision. With <paramref name="heartbeats"/>, the feed's heartbeats come too, and one right after each replay
    /// (current through the subscription's start).
    /// </summary>
    public static async IAsyncEnumerable<ChangeEvent> FollowAsync(SettingsEngine engine, long? after, Func<string, bool> watched,
        [EnumeratorCancellation] CancellationToken ct = default, Func<long, long, string?>? resetWhen = null, bool heartbeats = false)
    {
        var position = after;
        while (!ct.IsCancellationRequested)
        {
            var (reader, from) = engine.Feed.Subscribe();
            try
            {
                position ??= from;
                if (resetWhen?.Invoke(position.Value, from) is { } reason)
                {
                    yield return new ChangeEvent(ChangeEvent.Reset, from, [], "strata", engine.Now, reason: reason);
                    position = from;
                }
                else
                {
                    await foreach (var past in engine.History.ReplayAsync(position.Value, from, watched, ct).ConfigureAwait(false))
                    {
                        position = past.Revision;
                        yield return past;
                    }
                }
                position = Math.Max(position.Value, from);
                if (heartbeats) yield return new ChangeEvent(ChangeEvent.Heartbeat, from, [], "strata", engine.Now);
                while (true)
                {
                    var (next, overflowed) = await NextAsync(reader, ct).ConfigureAwait(false);
                    if (next is null)
                    {
                        if (overflowed) break;
                        yield break;
                    }
                    switch (next.Event)
                    {
                        case ChangeEvent.Heartbeat:
                            if (heartbeats) yield return next;
                            break;
                        // A re-read store may be behind what was followed (restored): go on from its revision.
                        case ChangeEvent.Reloaded:
                            position = next.Revision;
                            yield return next;
                            break;
                        default:
                            if (next.Revision <= position) break;
                            position = next.Revision;
                            if (next.Changed.Any(c => watched(c.Namespace))) yield return next;
                            break;
                    }
                }
            }
            finally
            {
                engine.Feed.Unsubscribe(reader);
            }
        }
    }

    /// <summary>The next event; null with overflowed when the subscription fell behind, null without when stopped.</summary>
    public static async ValueTask<(ChangeEvent? Event, bool Overflowed)> NextAsync(ChannelReader<ChangeEvent> reader, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                if (reader.TryRead(out var e)) return (e, false);
                if (!await reader.WaitToReadAsync(ct).ConfigureAwait(false)) return (null, true);
            }
        }
        catch (OperationCanceledException)
        {
            return (null, false);
        }
        catch (Exception e) when (e is ChangeFeedOverflowException or ChannelClosedException)
        {
            return (null, true);
        }
    }}
