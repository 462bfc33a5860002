using Microsoft.Extensions.Logging;

namespace Strata.Redis;

/// <summary>The Redis bridge's log messages (event ids 1100–1119). Revisions and endpoints only: never a value,
/// never the configuration string (it may hold a password).</summary>
internal static partial class RedisBridgeLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Redis bridge publishing to {Endpoints}, resuming after revision {Revision}.")]
    internal static partial void Resuming(ILogger logger, string endpoints, long revision);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Redis bridge wrote the whole state of revision {Revision} to {Endpoints} ({Reason}).")]
    internal static partial void Refreshed(ILogger logger, long revision, string endpoints, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Redis bridge cannot publish to {Endpoints}: {Error} The server is unaffected; retrying in {Delay}.")]
    internal static partial void PublishFailed(ILogger logger, string endpoints, string error, TimeSpan delay);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Redis bridge connection to {Endpoints} restored: republishing the current snapshot and resuming.")]
    internal static partial void Restored(ILogger logger, string endpoints);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Redis bridge lost its connection to {Endpoints}: {Error}")]
    internal static partial void ConnectionLost(ILogger logger, string endpoints, string error);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "Redis bridge skipped revision {Revision}: Redis already holds revision {Stored}.")]
    internal static partial void AlreadyPublished(ILogger logger, long revision, long stored);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Redis bridge: Redis holds revision {Stored}, ahead of this server's {Revision} (another instance is ahead, or the store was restored); publishing resumes after {Stored}. Delete {VersionKey} to republish from the store as it is.")]
    internal static partial void RedisAhead(ILogger logger, long stored, long revision, string versionKey);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Redis bridge holds the lease {Lease}: this instance publishes.")]
    internal static partial void LeaseAcquired(ILogger logger, string lease);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Redis bridge lost the lease {Lease}: another instance publishes from here.")]
    internal static partial void LeaseLost(ILogger logger, string lease);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "Redis bridge: {VersionKey} holds something other than a revision; it is overwritten with the current state.")]
    internal static partial void VersionUnreadable(ILogger logger, string versionKey);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Redis bridge: namespace {Namespace}'s key {Key} is one of the bridge's own keys; its per-namespace snapshot is not written.")]
    internal static partial void NamespaceKeyClash(ILogger logger, string @namespace, string key);
}
