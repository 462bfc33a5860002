using Microsoft.Extensions.Logging;

namespace Strata.Client.Internal;

/// <summary>The client's log messages. Names and revisions only: a value never reaches a log.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Strata watch connected to {Server}, resuming after revision {Revision}.")]
    internal static partial void Connected(ILogger logger, Uri server, long revision);

    [LoggerMessage(2, LogLevel.Warning, "Strata watch lost: {Reason} Keeping the values of revision {Revision}; reconnecting in {Delay}.")]
    internal static partial void Disconnected(ILogger logger, string reason, long revision, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Error, "Strata rejected a {EventType} document (event id {EventId}): its signature does not verify under the pinned signing key. Nothing in it was applied; {Count} rejected so far. Reconnecting.")]
    internal static partial void SignatureRejected(ILogger logger, string eventType, string? eventId, long count);

    [LoggerMessage(4, LogLevel.Debug, "Strata applied revision {Revision} ({Count} settings).")]
    internal static partial void Applied(ILogger logger, long revision, int count);

    [LoggerMessage(5, LogLevel.Warning, "Strata watch reset by the server ({Reason}): reloading the snapshot.")]
    internal static partial void Reset(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Information, "Strata server is closing the watch ({Reason}); reconnecting in {Delay}.")]
    internal static partial void Closing(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(7, LogLevel.Warning, "Strata start-up: {Error} Retrying in {Delay}.")]
    internal static partial void StartupRetry(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(8, LogLevel.Warning, "Strata server unreachable at start-up ({Error}); serving the last-known-good values of revision {Revision}, read-only, and retrying.")]
    internal static partial void StartedFromLastKnownGood(ILogger logger, string error, long revision);

    [LoggerMessage(9, LogLevel.Warning, "Strata server unreachable at start-up ({Error}); starting with no Strata values because Optional is set, and retrying.")]
    internal static partial void StartedEmpty(ILogger logger, string error);

    [LoggerMessage(10, LogLevel.Warning, "Strata withheld the value of {Namespace}:{Key} (sensitive, and the token lacks secrets.reveal on {Namespace}); the key is left out of configuration.")]
    internal static partial void MaskedValueLeftOut(ILogger logger, string @namespace, string key);

    [LoggerMessage(11, LogLevel.Debug, "Strata could not report revision {Revision} to the consumers view: {Error}")]
    internal static partial void ReportFailed(ILogger logger, long revision, string error);

    [LoggerMessage(12, LogLevel.Debug, "Strata ignored event {Revision}: revision {Applied} is already applied.")]
    internal static partial void StaleEventIgnored(ILogger logger, long revision, long applied);

    [LoggerMessage(13, LogLevel.Information, "Strata caught up with the server at revision {Revision}.")]
    internal static partial void Recovered(ILogger logger, long revision);

    [LoggerMessage(14, LogLevel.Warning, "Strata could not write the last-known-good file {Path}: {Error}")]
    internal static partial void LastKnownGoodNotSaved(ILogger logger, string path, string error);

    [LoggerMessage(15, LogLevel.Error, "Strata server unreachable at start-up and {Refusal} Starting with no Strata values because Optional is set, and retrying.")]
    internal static partial void LastKnownGoodRefused(ILogger logger, string refusal);

    [LoggerMessage(16, LogLevel.Error, "A configuration change callback failed after revision {Revision}; the client goes on following the server.")]
    internal static partial void ReloadCallbackFailed(ILogger logger, Exception error, long revision);
}
