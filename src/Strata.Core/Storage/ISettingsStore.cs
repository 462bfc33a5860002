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
    /// Persists all records in one transaction and returns only once it is durable. Callers commit one batch at a
    /// time; records carry increasing revisions.
    /// </summary>
    Task CommitAsync(IReadOnlyList<ChangeRecord> records, CancellationToken ct = default);

    Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>Every override (tombstones included) as it stood at <paramref name="revision"/>; all namespaces when null.</summary>
    Task<IReadOnlyList<StoredEntry>> StateAtAsync(string? ns, long revision, CancellationToken ct = default);

    /// <summary>The last revision committed at or before <paramref name="time"/>; 0 when none.</summary>
    Task<long> RevisionAtAsync(DateTimeOffset time, CancellationToken ct = default);

    Task<StoreStatus> StatusAsync(CancellationToken ct = default);
}
