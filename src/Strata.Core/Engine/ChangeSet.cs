using System.Text.Json;

namespace Strata.Engine;

/// <summary>One requested change. A null <see cref="Value"/> resets the override (back to the lower layers).</summary>
internal sealed record Change(string Namespace, string Key, string Scope, JsonElement? Value, long? ExpectedVersion = null)
{
    /// <summary>The value as compact JSON text, set by validation (null exactly when <see cref="Value"/> is) so the commit loop never serialises.</summary>
    public string? Json { get; init; }
}

/// <summary>Changes committed together, atomically, as one revision. Client and request id go to the audit log.</summary>
internal sealed record ChangeSet(IReadOnlyList<Change> Changes, string Actor, string? Comment = null)
{
    public string? Client { get; init; }
    public string? RequestId { get; init; }

    /// <summary>
    /// Leave out changes that set a key to the value it already has (imports, rollbacks): no version, no history, no
    /// event for them. A sensitive setting is never compared, so each of its writes is a change.
    /// </summary>
    public bool SkipUnchanged { get; init; }
}

/// <summary>What a change became: its new per-key version and times (Unix ms).</summary>
internal sealed record AppliedChange(string Namespace, string Key, string Scope, long Version, bool Reset, long CreatedAt, long UpdatedAt);

/// <summary>The outcome of a commit. <see cref="Applied"/> is empty when nothing changed (a reset of a key with no override).</summary>
internal sealed record CommitResult(long Revision, IReadOnlyList<AppliedChange> Applied);

/// <summary>One event on the change feed: a commit, or a re-publication of the current state.</summary>
internal sealed record ChangeEvent(string Event, long Revision, IReadOnlyList<ChangedKey> Changed, string Actor, long At);

/// <summary>A key touched by a commit.</summary>
internal sealed record ChangedKey(string Namespace, string Key, string Scope);
