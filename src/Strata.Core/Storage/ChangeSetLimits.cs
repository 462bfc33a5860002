namespace Strata.Storage;

/// <summary>Bounds on one change set that every store can hold.</summary>
internal static class ChangeSetLimits
{
    /// <summary>Changes in one revision: the SQLite store numbers a revision's history rows within 2^20.</summary>
    public const int MaxChanges = 1 << 20;

    /// <summary>Characters in the comment of a change set: a note for history, not a place to store documents.</summary>
    public const int MaxCommentLength = 4096;
}
