using Microsoft.Extensions.Logging;

namespace Strata.Mqtt;

/// <summary>The bridge's log lines (event ids 700-709). Topics, revisions and the broker's address only: never a value.</summary>
internal static partial class MqttBridgeLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "MQTT bridge connected to {Server}; republishing {Count} namespace(s) at revision {Revision}")]
    public static partial void Connected(ILogger logger, string server, int count, long revision);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "MQTT bridge lost {Server} ({Reason}); retrying in {DelayMs} ms, the server goes on")]
    public static partial void Disconnected(ILogger logger, string server, string reason, long delayMs);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "MQTT bridge holds the lease {Lease}: this instance publishes")]
    public static partial void LeaseAcquired(ILogger logger, string lease);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "MQTT bridge lost the lease {Lease}: another instance publishes from now on")]
    public static partial void LeaseLost(ILogger logger, string lease);

    [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "MQTT bridge resumes after revision {Revision}, the last the broker acknowledged")]
    public static partial void Resuming(ILogger logger, long revision);

    [LoggerMessage(EventId = 705, Level = LogLevel.Information, Message = "MQTT bridge republished {Count} namespace(s) after a reload at revision {Revision}")]
    public static partial void Reloaded(ILogger logger, int count, long revision);
}
