using Microsoft.Extensions.Logging;

namespace Strata.Client.Mqtt;

/// <summary>The MQTT transport's log lines (event ids 720-729). Topics, names and revisions only: never a value.</summary>
internal static partial class MqttClientLog
{
    [LoggerMessage(EventId = 720, Level = LogLevel.Information, Message = "Strata MQTT connected to {Server}, following {Count} namespace(s)")]
    internal static partial void Connected(ILogger logger, string server, int count);

    [LoggerMessage(EventId = 721, Level = LogLevel.Warning, Message = "Strata MQTT lost {Server}: {Reason} Keeping the values of revision {Revision}; reconnecting in {Delay}")]
    internal static partial void Disconnected(ILogger logger, string server, string reason, long revision, TimeSpan delay);

    [LoggerMessage(EventId = 722, Level = LogLevel.Error, Message = "Strata rejected the MQTT message on {Topic}: its signature does not verify under the pinned signing key. Nothing in it was applied; {Count} rejected so far")]
    internal static partial void SignatureRejected(ILogger logger, string topic, long count);

    [LoggerMessage(EventId = 723, Level = LogLevel.Error, Message = "Strata ignored the MQTT message on {Topic}: it is signed for namespace {Namespace}, not this topic's")]
    internal static partial void WrongNamespace(ILogger logger, string topic, string @namespace);

    [LoggerMessage(EventId = 724, Level = LogLevel.Error, Message = "Strata ignored the MQTT message on {Topic}: it is signed but not a namespace message ({Error})")]
    internal static partial void Malformed(ILogger logger, string topic, string error);

    [LoggerMessage(EventId = 725, Level = LogLevel.Information, Message = "Strata MQTT leaves {Namespace}:{Key} out of configuration: the bridge never publishes a sensitive value; read it from the server")]
    internal static partial void SecretLeftOut(ILogger logger, string @namespace, string key);

    [LoggerMessage(EventId = 726, Level = LogLevel.Debug, Message = "Strata ignored the MQTT message of {Namespace} at revision {Revision}: revision {Known} is already applied")]
    internal static partial void Stale(ILogger logger, string @namespace, long revision, long known);
}
