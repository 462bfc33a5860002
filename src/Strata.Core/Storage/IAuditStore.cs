namespace Strata.Storage;

/// <summary>The audit log. Events are appended by the settings log's commits (<see cref="ICommitTransaction.CommitAsync"/>).</summary>
internal interface IAuditStore
{
    Task<IReadOnlyList<AuditRecord>> AuditAsync(AuditQuery query, CancellationToken ct = default);

    /// <summary>The audit events older than <paramref name="time"/>: the last one's id and how many (0, 0 when none).</summary>
    Task<(long ThroughId, long Count)> AuditBeforeAsync(long time, CancellationToken ct = default);

    /// <summary>Deletes the audit events with ids up to <paramref name="id"/>; returns how many. Never the newest (ids must not repeat).</summary>
    Task<long> DeleteAuditThroughAsync(long id, CancellationToken ct = default);
}
