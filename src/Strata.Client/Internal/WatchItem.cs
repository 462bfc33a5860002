namespace Strata.Client.Internal;

/// <summary>One parsed watch event: its kind, whether its signature verified, and its document when it also parsed.</summary>
internal readonly record struct WatchItem(WatchItemKind Kind, bool Verified, object? Document);
