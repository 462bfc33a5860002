using Npgsql;
using Strata.Storage;

namespace Strata.PostgreSql;

/// <summary>Users and sessions, beside the settings in the same schema.</summary>
internal sealed partial class PostgresStore
{
    private const string SessionColumns = "id, user_id, token_id, created_at, last_seen_at, idle_timeout, expires_at, client, user_agent, revoked_at";

    public Task<IReadOnlyList<UserRecord>> UsersAsync(CancellationToken ct = default) =>
        Guarded<IReadOnlyList<UserRecord>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await QueryAsync(connection, null,
                """SELECT id, name, password_hash, grants, created_at, updated_at FROM users ORDER BY created_at, id COLLATE "C" """, _ => { },
                r => new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                    r.GetInt64(4), r.GetInt64(5)), ct).ConfigureAwait(false);
        });

    public Task SaveUserAsync(UserRecord user, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, """
            INSERT INTO users (id, name, password_hash, grants, created_at, updated_at) VALUES (@id, @name, @hash, @grants, @created, @updated)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash, grants = excluded.grants,
                updated_at = excluded.updated_at
            """, ct, Text("id", user.Id), Text("name", user.Name), Text("hash", user.PasswordHash), Text("grants", string.Join('\n', user.Grants)),
            Int("created", user.CreatedAt), Int("updated", user.UpdatedAt)).ConfigureAwait(false);
    });

    public Task<bool> DeleteUserAsync(string id, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, "DELETE FROM sessions WHERE user_id = @id", ct, Text("id", id)).ConfigureAwait(false);
        var deleted = await ExecuteAsync(connection, tx, "DELETE FROM users WHERE id = @id", ct, Text("id", id)).ConfigureAwait(false) > 0;
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return deleted;
    });

    public Task<IReadOnlyList<SessionRecord>> SessionsAsync(long now, CancellationToken ct = default) =>
        Guarded<IReadOnlyList<SessionRecord>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await QueryAsync(connection, null, $"""
                SELECT {SessionColumns} FROM sessions
                WHERE revoked_at IS NULL AND last_seen_at + idle_timeout > @now AND expires_at > @now ORDER BY created_at, id COLLATE "C"
                """, p => p.Add(Int("now", now)), ReadSession, ct).ConfigureAwait(false);
        });

    public Task<SessionRecord?> SessionAsync(string id, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await QueryAsync(connection, null, $"SELECT {SessionColumns} FROM sessions WHERE id = @id", p => p.Add(Text("id", id)),
            ReadSession, ct).ConfigureAwait(false);
        return rows.SingleOrDefault();
    });

    public Task<IReadOnlyList<string>> SessionKeysAsync(CancellationToken ct = default) =>
        Guarded<IReadOnlyList<string>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await QueryAsync(connection, null, """SELECT xml FROM session_keys ORDER BY created_at, name COLLATE "C" """, _ => { },
                r => r.GetString(0), ct).ConfigureAwait(false);
        });

    public Task AddSessionKeyAsync(string name, string xml, long createdAt, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await ExecuteAsync(connection, null,
            "INSERT INTO session_keys (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING", ct,
            Text("name", name), Text("xml", xml), Int("at", createdAt)).ConfigureAwait(false);
    });

    public Task SaveSessionsAsync(IReadOnlyList<SessionRecord> sessions, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var s in sessions)
            await ExecuteAsync(connection, tx, $"""
                INSERT INTO sessions AS s ({SessionColumns}) VALUES (@id, @user, @token, @created, @seen, @idle, @expires, @client, @agent, @revoked)
                ON CONFLICT (id) DO UPDATE SET last_seen_at = GREATEST(s.last_seen_at, excluded.last_seen_at),
                    revoked_at = COALESCE(s.revoked_at, excluded.revoked_at)
                """, ct, Text("id", s.Id), Text("user", s.UserId), Text("token", s.TokenId), Int("created", s.CreatedAt), Int("seen", s.LastSeenAt),
                Int("idle", s.IdleTimeout), Int("expires", s.ExpiresAt), Text("client", s.Client), Text("agent", s.UserAgent), Int("revoked", s.RevokedAt))
                .ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return 0;
    });

    public Task<long> DeleteSessionsEndedBeforeAsync(long time, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return (long)await ExecuteAsync(connection, null,
            "DELETE FROM sessions WHERE revoked_at < @t OR last_seen_at + idle_timeout < @t OR expires_at < @t", ct, Int("t", time)).ConfigureAwait(false);
    });

    private static SessionRecord ReadSession(NpgsqlDataReader r) =>
        new(r.GetString(0), NullableText(r, 1), NullableText(r, 2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
            NullableText(r, 7), NullableText(r, 8), r.IsDBNull(9) ? null : r.GetInt64(9));
}
