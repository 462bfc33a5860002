using System.Text.Json;
using Strata.Client.Contracts;

namespace Strata.Client.Internal;

/// <summary>Reads one watch event: its signature over the exact data bytes first, then (only when it verifies) its shape.</summary>
internal static class WatchEventParser
{
    /// <summary>Verifies an event's exact data bytes, then parses them (only when they verify).</summary>
    internal static WatchItem Parse(string eventType, ReadOnlySpan<byte> data, SignatureVerifier verifier)
    {
        var kind = eventType switch
        {
            "change" => WatchItemKind.Change,
            "heartbeat" => WatchItemKind.Heartbeat,
            "reset" => WatchItemKind.Reset,
            "closing" => WatchItemKind.Closing,
            _ => WatchItemKind.Other,
        };
        if (kind == WatchItemKind.Other || !verifier.Verify(data)) return new WatchItem(kind, false, null);
        try
        {
            object? document = kind switch
            {
                WatchItemKind.Change => JsonSerializer.Deserialize(data, ClientJsonContext.Default.ChangeEvent) is { Changes: not null } c ? c : null,
                WatchItemKind.Heartbeat => JsonSerializer.Deserialize(data, ClientJsonContext.Default.HeartbeatEvent),
                WatchItemKind.Reset => JsonSerializer.Deserialize(data, ClientJsonContext.Default.ResetEvent),
                _ => JsonSerializer.Deserialize(data, ClientJsonContext.Default.ClosingEvent),
            };
            return new WatchItem(kind, true, document);
        }
        catch (JsonException)
        {
            return new WatchItem(kind, true, null);
        }
    }
}
