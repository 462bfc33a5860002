using Microsoft.Extensions.Logging;

namespace Strata.Client.Redis;

/// <summary>The Redis transport's log messages (event ids 1150–1169). Names and revisions only: never a value.</summary>
internal static partial class RedisClientLog
{
    [LoggerMessage(EventId = 1150, Level = LogLevel.Information, Message = "Strata following Redis at {Endpoints} (channel {Channel}) from revision {Revision}.")]
    internal static partial void Following(ILogger logger, string endpoints, string channel, long revision);

    [LoggerMessage(EventId = 1151, Level = LogLevel.Warning, Message = "Strata lost Redis: {Reason} Keeping the values of revision {Revision}; retrying in {Delay}.")]
    internal static partial void Disconnected(ILogger logger, string reason, long revision, TimeSpan delay);

    [LoggerMessage(EventId = 1152, Level = LogLevel.Error, Message = "Strata rejected the snapshot at {Key}: its signature does not verify under the pinned signing key. Nothing in it was applied; {Count} rejected so far.")]
    internal static partial void SnapshotRejected(ILogger logger, string key, long count);

    [LoggerMessage(EventId = 1153, Level = LogLevel.Warning, Message = "Strata ignored a message on {Channel}: its signature does not verify under the pinned signing key; {Count} rejected so far.")]
    internal static partial void MessageRejected(ILogger logger, string channel, long count);

    [LoggerMessage(EventId = 1154, Level = LogLevel.Warning, Message = "Strata lost Redis: {Reason} Keeping the values of revision {Revision} until it is back.")]
    internal static partial void ConnectionLost(ILogger logger, string reason, long revision);
}
