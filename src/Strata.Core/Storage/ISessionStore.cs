namespace Strata.Storage;

/// <summary>Signed-in sessions of the web UI and the API.</summary>
internal interface ISessionStore
{
    /// <summary>The sessions that have not ended (revoked, idle or expired) at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<SessionRecord>> SessionsAsync(long now, CancellationToken ct = default);

    /// <summary>One session by id, ended or not; null when there is none (another instance may have opened one this one has not loaded).</summary>
    Task<SessionRecord?> SessionAsync(string id, CancellationToken ct = default);

    /// <summary>Inserts or updates sessions. Last-seen times only move forward; a revocation keeps its first time.</summary>
    Task SaveSessionsAsync(IReadOnlyList<SessionRecord> sessions, CancellationToken ct = default);

    /// <summary>Deletes sessions that ended (revoked, idle or expired) before <paramref name="time"/>; returns how many.</summary>
    Task<long> DeleteSessionsEndedBeforeAsync(long time, CancellationToken ct = default);

    /// <summary>The session cookie's data-protection keys: XML elements, oldest first.</summary>
    Task<IReadOnlyList<string>> SessionKeysAsync(CancellationToken ct = default);

    /// <summary>Adds a data-protection key element under a unique name; adding a name again keeps the first.</summary>
    Task AddSessionKeyAsync(string name, string xml, long createdAt, CancellationToken ct = default);
}
