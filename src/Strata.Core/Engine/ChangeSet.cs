using System.Collections.Concurrent;
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

/// <summary>
/// One event on the change feed: a commit (<c>updated</c>), a re-read of the store (<c>reloaded</c>, carrying the new
/// snapshot) or a <c>heartbeat</c> (the feed is current through <see cref="Revision"/>); a follower also makes a
/// <c>reset</c> (history is skipped, the follower goes on from <see cref="Revision"/>, see <see cref="Reason"/>). Immutable; the surfaces that
/// send it keep their renderings of it here, so that a thousand watchers with the same view share one set of bytes.
/// </summary>
internal sealed class ChangeEvent(string kind, long revision, IReadOnlyList<ChangedKey> changed, string actor, long at, Snapshot? snapshot = null,
    string? reason = null)
{
    public const string Updated = "updated", Reloaded = "reloaded", Heartbeat = "heartbeat", Reset = "reset";

    // Made by the first stream that sends the event: most commits on a server without watchers never need one.
    private ConcurrentDictionary<string, Lazy<byte[]>>? _rendered;

    public string Event { get; } = kind;
    public long Revision { get; } = revision;
    public IReadOnlyList<ChangedKey> Changed { get; } = changed;
    public string Actor { get; } = actor;
    public long At { get; } = at;

    /// <summary>The state after a reload.</summary>
    public Snapshot? Snapshot { get; } = snapshot;

    /// <summary>Why a reset skipped history.</summary>
    public string? Reason { get; } = reason;

    /// <summary>This event as <paramref name="view"/> renders it, rendered once (an empty array: nothing for that view).</summary>
    public byte[] Rendered<TView>(string viewKey, TView view, Func<ChangeEvent, TView, byte[]> render) =>
        LazyInitializer.EnsureInitialized(ref _rendered, () => new ConcurrentDictionary<string, Lazy<byte[]>>(StringComparer.Ordinal)).GetOrAdd(viewKey, static (_, a) => new Lazy<byte[]>(() => a.render(a.self, a.view)), (self: this, view, render)).Value;
}

/// <summary>A key touched by a commit: the scope written, its new version, and the key's state right after.</summary>
internal sealed record ChangedKey(string Namespace, string Key, string Scope, long Version, KeyState State)
{
    public bool Reset => State.At(Scope) is not { IsLive: true };
}
