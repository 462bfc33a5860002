namespace Strata.Storage;

/// <summary>
/// One commit, under the settings log's write lock. Disposing it without <see cref="CommitAsync"/> rolls it back.
/// </summary>
internal interface ICommitTransaction : IAsyncDisposable
{
    /// <summary>The last committed revision, read under the lock: the commit's records start at the one after it.</summary>
    long Revision { get; }

    /// <summary>
    /// The commit's time (Unix ms) from the store's clock (one clock for every instance on a shared store), never
    /// earlier than any record or audit event committed before: stores find times by searching in commit order.
    /// </summary>
    long Time { get; }

    /// <summary>The changes committed after <paramref name="after"/> (by another instance), read under the lock, oldest first.</summary>
    Task<IReadOnlyList<ChangeRecord>> ChangesAsync(long after, CancellationToken ct = default);

    /// <summary>
    /// Writes the records and audit events and commits; returns only once durable. Records carry the revisions after
    /// <see cref="Revision"/>, without a gap, and a key's version one above its last; a store may check both and
    /// refuse the commit.
    /// </summary>
    Task CommitAsync(IReadOnlyList<ChangeRecord> records, IReadOnlyList<AuditRecord> audit, CancellationToken ct = default);
}
