namespace Strata.Storage;

/// <summary>
/// Users and signed-in sessions, beside the settings store (SQLite keeps both in one database). Every
/// implementation passes the conformance suite in the tests (<c>StoreConformanceTests</c>).
/// </summary>
internal interface IAccessStore
{
    Task<IReadOnlyList<UserRecord>> UsersAsync(CancellationToken ct = default);

    /// <summary>Inserts the user, or replaces the one with its id. A name is unique without regard to case.</summary>
    Task SaveUserAsync(UserRecord user, CancellationToken ct = default);

    /// <summary>Deletes the user with this id and its sessions; false when there is none.</summary>
    Task<bool> DeleteUserAsync(string id, CancellationToken ct = default);

    /// <summary>The sessions that have not ended (revoked, idle or expired) at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<SessionRecord>> SessionsAsync(long now, CancellationToken ct = default);

    /// <summary>Inserts or updates sessions. Last-seen times only move forward; a revocation keeps its first time.</summary>
    Task SaveSessionsAsync(IReadOnlyList<SessionRecord> sessions, CancellationToken ct = default);

    /// <summary>Deletes sessions that ended (revoked, idle or expired) before <paramref name="time"/>; returns how many.</summary>
    Task<long> DeleteSessionsEndedBeforeAsync(long time, CancellationToken ct = default);
}
