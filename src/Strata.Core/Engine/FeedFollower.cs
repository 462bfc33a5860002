using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Strata.Engine;

/// <summary>
/// Follows the change feed from a revision for an in-process subscriber: history first, then live events; a
/// subscriber that fell behind goes back to history where it left off. Every commit that touches a watched namespace
/// is seen once, in order.
/// </summary>
internal static class FeedFollower
{
    /// <summary>Change and reload events after <paramref name="after"/>; heartbeats are left out.</summary>
    public static async IAsyncEnumerable<ChangeEvent> FollowAsync(SettingsEngine engine, long after, Func<string, bool> watched,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var position = after;
        while (!ct.IsCancellationRequested)
        {
            var (reader, from) = engine.Feed.Subscribe();
            try
            {
                await foreach (var past in engine.History.ReplayAsync(position, from, watched, ct).ConfigureAwait(false))
                {
                    position = past.Revision;
                    yield return past;
                }
                position = Math.Max(position, from);
                while (true)
                {
                    var (next, overflowed) = await NextAsync(reader, ct).ConfigureAwait(false);
                    if (next is null)
                    {
                        if (overflowed) break;
                        yield break;
                    }
                    if (next.Event == ChangeEvent.Heartbeat || (next.Event == ChangeEvent.Updated && next.Revision <= position)) continue;
                    position = Math.Max(position, next.Revision);
                    if (next.Event == ChangeEvent.Reloaded || next.Changed.Any(c => watched(c.Namespace))) yield return next;
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
