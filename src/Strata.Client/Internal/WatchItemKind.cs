namespace Strata.Client.Internal;

/// <summary>The watch stream's event types (docs/watch.md); <see cref="Other"/> for any the client does not know, which it skips.</summary>
internal enum WatchItemKind
{
    Other,
    Change,
    Heartbeat,
    Reset,
    Closing,
}
