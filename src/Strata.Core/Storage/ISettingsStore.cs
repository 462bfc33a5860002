namespace Strata.Storage;

/// <summary>
/// Durable storage behind the engine. The engine keeps the live state in memory; a store only has to persist
/// commits durably and answer history and point-in-time questions. Every implementation passes the
/// conformance suite in the tests (<c>StoreConformanceTests</c>).
/// </summary>
internal interface ISettingsStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema; safe to call on every start.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    Task<StoreContents> LoadAsync(CancellationToken ct = default);

    /// <summary>
    /// Persists all records and audit events in one transaction and returns only once it is durable. Callers commit
    /// one batch at a time; records carry increasing revisions, and no time (of a record or an audit event) is earlier
    /// than one committed before it, so a store may find times by searching in commit order.
    /// </summary>
    Task CommitAsync(IReadOnlyList<ChangeRecord> records, IReadOnlyList<AuditRecord> audit, CancellationToken ct = default);

    Task<IReadOnlyList<AuditRecord>> AuditAsync(AuditQuery query, CancellationToken ct = default);

    /// <summary>The audit events older than <paramref name="time"/>: the last one's id and how many (0, 0 when none).</summary>
    Task<(long ThroughId, long Count)> AuditBeforeAsync(long time, CancellationToken ct = default);

    /// <summary>Deletes the audit events with ids up to <paramref name="id"/>; returns how many. Never the newest (ids must not repeat).</summary>
    Task<long> DeleteAuditThroughAsync(long id, CancellationToken ct = default);

    Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>
    /// Every change of the revisions after <paramref name="after"/> up to <paramref name="through"/>, oldest first and
    /// within a revision in the order committed: what a watcher replays, and what another instance on a shared store
    /// follows.
    /// </summary>
    Task<IReadOnlyList<ChangeRecord>> ChangesAsync(long after, long through, CancellationToken ct = default);

    /// <summary>Every override (tombstones included) as it stood at <paramref name="revision"/>; all namespaces when null.</summary>
    Task<IReadOnlyList<StoredEntry>> StateAtAsync(string? ns, long revision, CancellationToken ct = default);

    /// <summary>The last revision committed at or before <paramref name="time"/>; 0 when none.</summary>
    Task<long> RevisionAtAsync(DateTimeOffset time, CancellationToken ct = default);

    Task<StoreStatus> StatusAsync(CancellationToken ct = default);

    Task<IReadOnlyList<DataKeyRecord>> DataKeysAsync(CancellationToken ct = default);

    /// <summary>Inserts or updates data keys, all in one transaction (a rotation adds one and retires another at once).</summary>
    Task SaveDataKeysAsync(IReadOnlyList<DataKeyRecord> keys, CancellationToken ct = default);

    /// <summary>
    /// Rewrites up to <paramref name="batchSize"/> stored values (current and history) whose text starts with
    /// <paramref name="envelopePrefix"/>, in one transaction that does not wait for the commit loop beyond SQLite's own
    /// locking, and returns how many records it rewrote (0: none is left). The rewrite must produce a text without
    /// that prefix. A value changed meanwhile by a commit is left alone.
    /// </summary>
    Task<int> ReencryptAsync(string envelopePrefix, SecretRewriter rewrite, int batchSize, CancellationToken ct = default);

    /// <summary>Every namespace/key with at least one encrypted value (an envelope) in its current value or history.</summary>
    Task<IReadOnlyList<(string Namespace, string Key)>> SealedKeysAsync(CancellationToken ct = default);

    /// <summary>
    /// Passes every value of one key's history (all scopes) through <paramref name="rewrite"/> and stores what changed,
    /// in one transaction; returns how many records changed. With <paramref name="maskAudit"/>, when any did, the same
    /// transaction masks the old and new values in that key's change audit events (a setting that became sensitive:
    /// neither copy of its earlier values may stay readable, even after a crash between the two).
    /// </summary>
    Task<int> RewriteKeyHistoryAsync(string ns, string key, SecretRewriter rewrite, bool maskAudit = false, CancellationToken ct = default);

    Task<IReadOnlyList<TokenRecord>> TokensAsync(CancellationToken ct = default);

    /// <summary>Inserts or updates tokens (creation, revocation, last-used times), in one transaction.</summary>
    Task SaveTokensAsync(IReadOnlyList<TokenRecord> tokens, CancellationToken ct = default);

    /// <summary>How many records (current values and history) hold a value starting with <paramref name="envelopePrefix"/>.</summary>
    Task<long> CountEncryptedAsync(string envelopePrefix, CancellationToken ct = default);
}
