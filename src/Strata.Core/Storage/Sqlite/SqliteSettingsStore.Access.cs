using Microsoft.Data.Sqlite;

namespace Strata.Storage.Sqlite;

/// <summary>Users and sessions (migration 009), in the settings database.</summary>
internal sealed partial class SqliteSettingsStore
{
    private const string SessionColumns = "id, user_id, token_id, created_at, last_seen_at, idle_timeout, expires_at, client, user_agent, revoked_at";

    public Task<IReadOnlyList<UserRecord>> UsersAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<UserRecord>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection, "SELECT id, name, password_hash, grants, created_at, updated_at FROM users ORDER BY created_at, id", _ => { },
                r => new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                    r.GetInt64(4), r.GetInt64(5)));
        }));

    public Task SaveUserAsync(UserRecord user, CancellationToken ct = default)
    {
        Guarded(() =>
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            Execute(connection, tx, """
                INSERT INTO users (id, name, password_hash, grants, created_at, updated_at) VALUES ($id, $name, $hash, $grants, $created, $updated)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash, grants = excluded.grants,
                    updated_at = excluded.updated_at
                """,
                ("$id", user.Id), ("$name", user.Name), ("$hash", user.PasswordHash), ("$grants", string.Join('\n', user.Grants)),
                ("$created", user.CreatedAt), ("$updated", user.UpdatedAt));
            tx.Commit();
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<bool> DeleteUserAsync(string id, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction(deferred: false);
        Execute(connection, tx, "DELETE FROM sessions WHERE user_id = $id", ("$id", id));
        using var delete = connection.CreateCommand();
        delete.Transaction = tx;
        delete.CommandText = "DELETE FROM users WHERE id = $id";
        delete.Parameters.AddWithValue("$id", id);
        var deleted = delete.ExecuteNonQuery() > 0;
        tx.Commit();
        return deleted;
    }));

    public Task<IReadOnlyList<SessionRecord>> SessionsAsync(long now, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<SessionRecord>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection,
                $"SELECT {SessionColumns} FROM sessions WHERE revoked_at IS NULL AND last_seen_at + idle_timeout > $now AND expires_at > $now ORDER BY created_at, id",
                p => p.AddWithValue("$now", now), ReadSession);
        }));

    public Task SaveSessionsAsync(IReadOnlyList<SessionRecord> sessions, CancellationToken ct = default)
    {
        Guarded(() =>
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            foreach (var s in sessions)
                Execute(connection, tx, $"""
                    INSERT INTO sessions ({SessionColumns}) VALUES ($id, $user, $token, $created, $seen, $idle, $expires, $client, $agent, $revoked)
                    ON CONFLICT (id) DO UPDATE SET last_seen_at = MAX(sessions.last_seen_at, excluded.last_seen_at),
                        revoked_at = COALESCE(sessions.revoked_at, excluded.revoked_at)
                    """,
                    ("$id", s.Id), ("$user", s.UserId), ("$token", s.TokenId), ("$created", s.CreatedAt), ("$seen", s.LastSeenAt),
                    ("$idle", s.IdleTimeout), ("$expires", s.ExpiresAt), ("$client", s.Client), ("$agent", s.UserAgent), ("$revoked", s.RevokedAt));
            tx.Commit();
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<long> DeleteSessionsEndedBeforeAsync(long time, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM sessions WHERE revoked_at < $t OR last_seen_at + idle_timeout < $t OR expires_at < $t";
        delete.Parameters.AddWithValue("$t", time);
        return (long)delete.ExecuteNonQuery();
    }));

    public Task<SessionRecord?> SessionAsync(string id, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        return Query(connection, $"SELECT {SessionColumns} FROM sessions WHERE id = $id", p => p.AddWithValue("$id", id), ReadSession).SingleOrDefault();
    }));

    public Task<IReadOnlyList<string>> SessionKeysAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<string>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection, "SELECT xml FROM session_keys ORDER BY created_at, name", _ => { }, r => r.GetString(0));
        }));

    public Task AddSessionKeyAsync(string name, string xml, long createdAt, CancellationToken ct = default)
    {
        Guarded(() =>
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            Execute(connection, tx, "INSERT INTO session_keys (name, xml, created_at) VALUES ($name, $xml, $at) ON CONFLICT (name) DO NOTHING",
                ("$name", name), ("$xml", xml), ("$at", createdAt));
            tx.Commit();
            return 0;
        });
        return Task.CompletedTask;
    }

    private static SessionRecord ReadSession(SqliteDataReader r) =>
        new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3), r.GetInt64(4),
            r.GetInt64(5), r.GetInt64(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetInt64(9));
}
