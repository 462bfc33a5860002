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

    Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>Every override (tombstones included) as it stood at <paramref name="revision"/>; all namespaces when null.</summary>
    Task<IReadOnlyList<StoredEntry>> StateAtAsync(string? ns, long revision, CancellationToken ct = default);

    /// <summary>The last revision committed at or before <paramref name="time"/>; 0 when none.</summary>
    Task<long> RevisionAtAsync(DateTimeOffset time, CancellationToken ct = default);

    Task<StoreStatus> StatusAsync(CancellationToken ct = default);

    Task<IReadOnlyList<DataKeyRecord>> DataKeysAsync(CancellationToken ct = default);

    /// <summary>Inserts or updates data keys, all in one transaction (a rotation adds one and retires another at once).</summary>
    Task SaveDataKeysAsync(IReadOnlyList<DataKeyRecord> keys, CancellationToken ct = default);

    /// <summary>
    /// Rewrites up to <paramref name="batchSize"/> stored values (current and history) encrypted with
    /// <paramref name="keyId"/>, in one transaction that does not wait for the commit loop beyond SQLite's own locking,
    /// and returns how many it rewrote (0: none is left). A value changed meanwhile by a commit is left alone.
    /// </summary>
    Task<int> ReencryptAsync(string keyId, SecretRewriter rewrite, int batchSize, CancellationToken ct = default);

    Task<IReadOnlyList<TokenRecord>> TokensAsync(CancellationToken ct = default);

    /// <summary>Inserts or updates tokens (creation, revocation, last-used times), in one transaction.</summary>
    Task SaveTokensAsync(IReadOnlyList<TokenRecord> tokens, CancellationToken ct = default);

    /// <summary>How many stored values (current and history) are encrypted with <paramref name="keyId"/>.</summary>
    Task<long> CountEncryptedAsync(string keyId, CancellationToken ct = default);
}
