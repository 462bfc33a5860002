namespace Strata.Storage;

/// <summary>
/// The settings log: every committed change, by revision, and the current state it adds up to. The engine keeps the
/// live state in memory; the log persists commits durably and answers history and point-in-time questions. One
/// backend implements this and the other store contracts in one database (<c>MigrateAsync</c> creates them all);
/// every backend passes the conformance suites in the tests (<c>Storage/*ConformanceTests</c>).
/// </summary>
internal interface ISettingsLog : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema of every store contract; safe to call on every start. Refuses a newer schema.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    Task<StoreContents> LoadAsync(CancellationToken ct = default);

    /// <summary>
    /// Opens the commit transaction, holding the log's write lock until it is committed or disposed: no other writer
    /// (no other instance on a shared store) commits in between, so what it reports is what the commit builds on.
    /// </summary>
    Task<ICommitTransaction> BeginCommitAsync(CancellationToken ct = default);

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
}
