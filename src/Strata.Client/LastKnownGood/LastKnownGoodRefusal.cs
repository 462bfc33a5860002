namespace Strata.Client.LastKnownGood;

/// <summary>Why a last-known-good file was not loaded.</summary>
internal enum LastKnownGoodRefusal
{
    Missing,
    Unreadable,
    Empty,
    Truncated,
    Tampered,
    WrongKey,
    UnsupportedVersion,
    Foreign,
}
