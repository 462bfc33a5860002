using System.Threading.Channels;
using Strata.Engine;

namespace Strata.Tests.Infrastructure;

/// <summary>Reads a change feed subscription in tests.</summary>
internal static class FeedEvents
{
    /// <summary>The next event that is not a heartbeat, or a timeout.</summary>
    public static async Task<ChangeEvent> NextChangeAsync(ChannelReader<ChangeEvent> feed, int timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            var e = await feed.ReadAsync(timeout.Token);
            if (e.Event != ChangeEvent.Heartbeat) return e;
        }
    }
}
