using Npgsql;
using Strata.Storage;

namespace Strata.PostgreSql;

/// <summary>Data keys, re-encryption and tokens.</summary>
internal sealed partial class PostgresStore
{
    /// <summary>Rows with an encrypted value: the condition of the partial index <c>history_sealed</c>, so only it is read.</summary>
    private const string Sealed = "(left(old_value, 5) = '$enc:' OR left(new_value, 5) = '$enc:')";

    private const string SealedWithPrefix =
        $"history WHERE {Sealed} AND (left(old_value, length(@p)) = @p OR left(new_value, length(@p)) = @p)";

    public Task<IReadOnlyList<DataKeyRecord>> DataKeysAsync(CancellationToken ct = default) =>
        Guarded<IReadOnlyList<DataKeyRecord>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await QueryAsync(connection, null, """SELECT id, wrapped, state, created_at FROM data_keys ORDER BY created_at, id COLLATE "C" """, _ => { },
                r => new DataKeyRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)), ct).ConfigureAwait(false);
        });

    public Task SaveDataKeysAsync(IReadOnlyList<DataKeyRecord> keys, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var key in keys)
            await ExecuteAsync(connection, tx, """
                INSERT INTO data_keys (id, wrapped, state, created_at) VALUES (@id, @wrapped, @state, @at)
                ON CONFLICT (id) DO UPDATE SET wrapped = excluded.wrapped, state = excluded.state
                """, ct, Text("id", key.Id), Text("wrapped", key.Wrapped), Text("state", key.State), Int("at", key.CreatedAt)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return 0;
    });

    public Task<int> ReencryptAsync(string envelopePrefix, SecretRewriter rewrite, int batchSize, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        // Locked as read: what is rewritten is what was read. Commits only append history, so they never wait on these.
        var rows = await QueryAsync(connection, tx, $"""
            SELECT revision, namespace, key, scope, version, old_value, new_value FROM {SealedWithPrefix} LIMIT @n FOR UPDATE
            """, p => { p.Add(Text("p", envelopePrefix)); p.Add(Int("n", batchSize)); }, ReadValues, ct).ConfigureAwait(false);
        foreach (var row in rows)
            await RewriteAsync(connection, tx, row, (ns, key, scope, version, text) =>
                text.StartsWith(envelopePrefix, StringComparison.Ordinal) ? rewrite(ns, key, scope, version, text) : text, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return rows.Count;
    });

    public Task<IReadOnlyList<(string Namespace, string Key)>> SealedKeysAsync(CancellationToken ct = default) =>
        Guarded<IReadOnlyList<(string, string)>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await QueryAsync(connection, null, $"SELECT DISTINCT namespace, key FROM history WHERE {Sealed}", _ => { },
                r => (r.GetString(0), r.GetString(1)), ct).ConfigureAwait(false);
        });

    public Task<int> RewriteKeyHistoryAsync(string ns, string key, SecretRewriter rewrite, bool maskAudit = false, CancellationToken ct = default) =>
        Guarded(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            // Every scope's chain, walked from its current row: the key's records without reading the namespace's.
            var rows = await QueryAsync(connection, tx, $"""
                WITH RECURSIVE {Chain("namespace = @ns AND key = @key", "")}
                SELECT h.revision, h.namespace, h.key, h.scope, h.version, h.old_value, h.new_value
                FROM chain c JOIN history h ON {SameChange("h", "c")}
                FOR UPDATE OF h
                """, p => { p.Add(Text("ns", ns)); p.Add(Text("key", key)); }, ReadValues, ct).ConfigureAwait(false);
            var changed = 0;
            foreach (var row in rows)
                if (await RewriteAsync(connection, tx, row, rewrite, ct).ConfigureAwait(false)) changed++;
            if (changed > 0 && maskAudit) await MaskAuditValuesAsync(connection, tx, ns, key, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return changed;
        });

    /// <summary>Replaces the old and new values in the audit details of one key's changes with the mask; a JSON null (an absent value) stays null.</summary>
    private static Task<int> MaskAuditValuesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string ns, string key, CancellationToken ct) =>
        ExecuteAsync(connection, tx, """
            UPDATE audit SET detail = jsonb_set(jsonb_set(detail::jsonb,
                '{old}', CASE WHEN COALESCE(jsonb_typeof(detail::jsonb -> 'old'), 'null') = 'null' THEN 'null'::jsonb ELSE to_jsonb(@mask) END),
                '{new}', CASE WHEN COALESCE(jsonb_typeof(detail::jsonb -> 'new'), 'null') = 'null' THEN 'null'::jsonb ELSE to_jsonb(@mask) END)::text
            WHERE namespace = @ns AND key = @key AND action IN ('setting.set', 'setting.reset') AND left(detail, 1) = '{'
            """, ct, Text("ns", ns), Text("key", key), Text("mask", Registry.SensitiveValue.Mask));

    public Task<long> CountEncryptedAsync(string envelopePrefix, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"SELECT COUNT(*) FROM {SealedWithPrefix}", connection);
        cmd.Parameters.Add(Text("p", envelopePrefix));
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    });

    private sealed record ValueRow(long Revision, string Namespace, string Key, string Scope, long Version, string? Old, string? New);

    private static ValueRow ReadValues(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), NullableText(r, 5), NullableText(r, 6));

    /// <summary>Stores a row's rewritten values; false when the rewrite changed neither. A row's old value is its key's previous version.</summary>
    private static async Task<bool> RewriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ValueRow row, SecretRewriter rewrite, CancellationToken ct)
    {
        var old = row.Old is null ? null : rewrite(row.Namespace, row.Key, row.Scope, row.Version - 1, row.Old);
        var @new = row.New is null ? null : rewrite(row.Namespace, row.Key, row.Scope, row.Version, row.New);
        if (old == row.Old && @new == row.New) return false;
        await ExecuteAsync(connection, tx, """
            UPDATE history SET old_value = @old, new_value = @new
            WHERE revision = @revision AND namespace = @ns AND key = @key AND scope = @scope
            """, ct, Text("old", old), Text("new", @new), Int("revision", row.Revision), Text("ns", row.Namespace), Text("key", row.Key),
            Text("scope", row.Scope)).ConfigureAwait(false);
        return true;
    }

    public Task<IReadOnlyList<TokenRecord>> TokensAsync(CancellationToken ct = default) =>
        Guarded<IReadOnlyList<TokenRecord>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await QueryAsync(connection, null, """
                SELECT id, name, secret_hash, grants, created_at, expires_at, last_used_at, revoked_at FROM tokens ORDER BY created_at, id COLLATE "C"
                """, _ => { },
                r => new TokenRecord(r.GetString(0), r.GetString(1), r.GetString(2),
                    r.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries), r.GetInt64(4),
                    r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7)), ct)
                .ConfigureAwait(false);
        });

    public Task SaveTokensAsync(IReadOnlyList<TokenRecord> tokens, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var t in tokens) await SaveTokenAsync(connection, tx, t, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return 0;
    });

    /// <summary>
    /// Inserts the token only if the store holds none, atomically across instances: a transaction-level advisory lock
    /// around the look and the insert (two plain inserts would each see no token).
    /// </summary>
    public Task<bool> AddFirstTokenAsync(TokenRecord token, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", ct, Text("name", $"strata:first-token:{Schema}"))
            .ConfigureAwait(false);
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM tokens)", connection, tx))
            if ((bool)(await any.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return false;
        await SaveTokenAsync(connection, tx, token with { LastUsedAt = null, RevokedAt = null }, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    });

    private static Task<int> SaveTokenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TokenRecord t, CancellationToken ct) =>
        ExecuteAsync(connection, tx, """
            INSERT INTO tokens AS t (id, name, secret_hash, grants, created_at, expires_at, last_used_at, revoked_at)
            VALUES (@id, @name, @hash, @grants, @created, @expires, @used, @revoked)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, grants = excluded.grants, expires_at = excluded.expires_at,
                last_used_at = NULLIF(GREATEST(COALESCE(t.last_used_at, 0), COALESCE(excluded.last_used_at, 0)), 0),
                revoked_at = COALESCE(t.revoked_at, excluded.revoked_at)
            """, ct, Text("id", t.Id), Text("name", t.Name), Text("hash", t.SecretHash), Text("grants", string.Join('\n', t.Grants)),
            Int("created", t.CreatedAt), Int("expires", t.ExpiresAt), Int("used", t.LastUsedAt), Int("revoked", t.RevokedAt));

    /// <summary>
    /// Records the fingerprint of a key every instance must hold alike (the first instance's wins) and returns the
    /// recorded one: a caller whose own differs must not start.
    /// </summary>
    public Task<string> SharedKeyAsync(string name, string fingerprint, long now, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await QueryAsync(connection, null, """
            WITH added AS (INSERT INTO shared_keys (name, fingerprint, recorded_at) VALUES (@name, @fingerprint, @now)
                           ON CONFLICT (name) DO NOTHING RETURNING fingerprint)
            SELECT fingerprint FROM added UNION ALL SELECT fingerprint FROM shared_keys WHERE name = @name
            """, p => { p.Add(Text("name", name)); p.Add(Text("fingerprint", fingerprint)); p.Add(Int("now", now)); },
            r => r.GetString(0), ct).ConfigureAwait(false);
        return rows[0];
    });
}
