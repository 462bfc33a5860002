using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Strata.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode with <c>synchronous=FULL</c>: a commit returns after its WAL frames are fsynced. One writer
/// connection is used by the single commit loop; reads open pooled connections of their own.
/// </summary>
internal sealed partial class SqliteSettingsStore : IStrataStore
{
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(100);

    // SQLite restarts the WAL from its start only after a checkpoint has copied every frame. A background checkpoint
    // never does under steady writes (frames keep arriving while it copies), so the log would grow without bound
    // (1 GiB in 10 s of the write benchmark) and every page lookup would scan its ever longer index. Past this many
    // frames (16 MiB) the writer finishes the checkpoint itself before its next transaction: only the frames the
    // background has not copied yet are left to it.
    private const long DefaultWalRestartFrames = 4096;

    private readonly string _connectionString;
    private readonly long _walRestartFrames;
    private readonly TimeProvider _time;
    private SqliteConnection? _writer;
    private PreparedStatement? _upsert;
    private PreparedStatement? _insertHistory;
    private PreparedStatement? _insertAudit;
    private SqliteCommand? _writerCheckpoint;
    private SqliteCommand? _head;
    private long _walFrames; // written by the writer since the log last started over; commit loop only
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _checkpointer;
    private readonly TaskCompletionSource _checkpointerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SqliteSettingsStore(string databasePath, TimeProvider? time = null, long walRestartFrames = DefaultWalRestartFrames)
    {
        _time = time ?? TimeProvider.System;
        _walRestartFrames = walRestartFrames;
        DatabasePath = Path.GetFullPath(databasePath);
        PrivateFiles.Folder(Path.GetDirectoryName(DatabasePath)!, Path.GetFileName(DatabasePath));
        PrivateFiles.Database(DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DatabasePath { get; }

    public Task MigrateAsync(CancellationToken ct = default)
    {
        Guarded(() =>
        {
            using var connection = Open();
            Pragma(connection, "journal_mode = WAL");
            SqliteMigrator.Migrate(connection);
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<StoreContents> LoadAsync(CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        // A settings row points at its latest change; the value lives once, in history.
        var entries = Query(connection, $"""
            SELECT s.namespace, s.key, s.scope, h.new_value, s.version, s.created_at, s.updated_at, s.revision
            FROM settings s JOIN history h ON {ChangeAt("s")}
            """, _ => { }, ReadEntry);
        using var last = connection.CreateCommand();
        last.CommandText = HeadSql;
        using var r = last.ExecuteReader();
        r.Read();
        return new StoreContents(entries, r.GetInt64(0), r.GetInt64(1));
    }));

    public Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery q, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ChangeRecord>>(Guarded(() =>
        {
            if (q.Key is not null && q.Namespace is null) throw new ArgumentException("A key's history needs its namespace.", nameof(q));
            using var connection = Open();
            // A key's history walks its chain from the current row; anything wider reads by revision.
            var sql = q.Key is null
                ? $"""
                  SELECT revision, namespace, key, scope, version, old_value, new_value, actor, at, comment FROM history h
                  WHERE ($ns IS NULL OR namespace = $ns) AND ($scope IS NULL OR scope = $scope) AND ($before IS NULL OR id < $before * {RevisionSpan})
                  ORDER BY id DESC LIMIT $limit
                  """
                : $"""
                  WITH RECURSIVE {Chain("namespace = $ns AND key = $key AND ($scope IS NULL OR scope = $scope)", "")}
                  SELECT h.revision, h.namespace, h.key, h.scope, h.version, h.old_value, h.new_value, h.actor, h.at, h.comment
                  FROM chain c JOIN history h ON {ChainJoin}
                  WHERE ($before IS NULL OR h.revision < $before)
                  ORDER BY h.revision DESC, h.scope LIMIT $limit
                  """;
            return Query(connection, sql,
                p =>
                {
                    p.AddWithValue("$ns", (object?)q.Namespace ?? DBNull.Value);
                    p.AddWithValue("$key", (object?)q.Key ?? DBNull.Value);
                    p.AddWithValue("$scope", (object?)q.Scope ?? DBNull.Value);
                    p.AddWithValue("$before", (object?)q.BeforeRevision ?? DBNull.Value);
                    p.AddWithValue("$limit", q.Limit);
                },
                r => new ChangeRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                    r.GetString(7), r.GetInt64(8), r.IsDBNull(9) ? null : r.GetString(9)));
        }));

    public Task<IReadOnlyList<ChangeRecord>> ChangesAsync(long after, long through, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ChangeRecord>>(Guarded(() =>
        {
            using var connection = Open();
            return ReadChanges(connection, null, after, through);
        }));

    private static List<ChangeRecord> ReadChanges(SqliteConnection connection, SqliteTransaction? tx, long after, long through) =>
        Query(connection, $"""
            SELECT revision, namespace, key, scope, version, old_value, new_value, actor, at, comment, prev_revision, created_at FROM history
            WHERE id >= ($after + 1) * {RevisionSpan} AND id < ($through + 1) * {RevisionSpan}
            ORDER BY id
            """,
            p =>
            {
                p.AddWithValue("$after", after);
                // Ids are revision * span: the highest revision an id can hold, for "everything after".
                p.AddWithValue("$through", Math.Min(through, long.MaxValue / RevisionSpan - 1));
            },
            r => new ChangeRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.GetString(7), r.GetInt64(8), r.IsDBNull(9) ? null : r.GetString(9),
                r.IsDBNull(10) ? 0 : r.GetInt64(10), r.IsDBNull(11) ? r.GetInt64(8) : r.GetInt64(11)), tx);

    public Task<IReadOnlyList<StoredEntry>> StateAtAsync(string? ns, long revision, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<StoredEntry>>(Guarded(() =>
        {
            using var connection = Open();
            // Walk each key's chain back from its current row until the first change at or before the revision.
            return Query(connection, $"""
                WITH RECURSIVE {Chain("$ns IS NULL OR namespace = $ns", "AND c.revision > $rev")}
                SELECT h.namespace, h.key, h.scope, h.new_value, h.version, COALESCE(h.created_at, h.at), h.at, h.revision
                FROM chain c JOIN history h ON {ChainJoin}
                WHERE c.revision <= $rev
                """,
                p =>
                {
                    p.AddWithValue("$ns", (object?)ns ?? DBNull.Value);
                    p.AddWithValue("$rev", revision);
                },
                ReadEntry);
        }));

    public Task<long> RevisionAtAsync(DateTimeOffset time, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        return LastIdAtOrBefore(connection, "history", time.ToUnixTimeMilliseconds()) is { } id ? id / RevisionSpan : 0;
    }));

    public Task<StoreStatus> StatusAsync(CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        return new StoreStatus("sqlite", SqliteMigrator.CurrentVersion(connection), SqliteMigrator.Latest);
    }));

    public Task<IReadOnlyList<AuditRecord>> AuditAsync(AuditQuery q, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<AuditRecord>>(Guarded(() =>
        {
            using var connection = Open();
            // A time window is an id window (times follow commit order). The time tests stay: among rows written before
            // that held (schema < 7, a clock that stepped back), none outside the window is shown.
            long? after = null, upTo = null;
            if (q.From is { } from) after = LastIdAtOrBefore(connection, "audit", from - 1);
            if (q.To is { } to && (upTo = LastIdAtOrBefore(connection, "audit", to)) is null) return [];
            return Query(connection, """
                SELECT id, at, actor, action, outcome, namespace, key, scope, client, request_id, detail FROM audit
                WHERE ($actor IS NULL OR actor = $actor) AND ($action IS NULL OR action = $action)
                  AND ($ns IS NULL OR namespace = $ns) AND ($key IS NULL OR key = $key)
                  AND ($after IS NULL OR id > $after) AND ($upTo IS NULL OR id <= $upTo)
                  AND ($from IS NULL OR at >= $from) AND ($to IS NULL OR at <= $to) AND ($before IS NULL OR id < $before)
                ORDER BY id DESC LIMIT $limit
                """,
                p =>
                {
                    p.AddWithValue("$after", (object?)after ?? DBNull.Value);
                    p.AddWithValue("$upTo", (object?)upTo ?? DBNull.Value);
                    p.AddWithValue("$actor", (object?)q.Actor ?? DBNull.Value);
                    p.AddWithValue("$action", (object?)q.Action ?? DBNull.Value);
                    p.AddWithValue("$ns", (object?)q.Namespace ?? DBNull.Value);
                    p.AddWithValue("$key", (object?)q.Key ?? DBNull.Value);
                    p.AddWithValue("$from", (object?)q.From ?? DBNull.Value);
                    p.AddWithValue("$to", (object?)q.To ?? DBNull.Value);
                    p.AddWithValue("$before", (object?)q.BeforeId ?? DBNull.Value);
                    p.AddWithValue("$limit", q.Limit);
                },
                r => new AuditRecord(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
                    r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10)));
        }));

    public Task<(long ThroughId, long Count)> AuditBeforeAsync(long time, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        if (LastIdAtOrBefore(connection, "audit", time - 1) is not { } through) return (0L, 0L);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM audit WHERE id <= $id";
        count.Parameters.AddWithValue("$id", through);
        return (through, (long)count.ExecuteScalar()!);
    }));

    public Task<long> DeleteAuditThroughAsync(long id, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        using var delete = connection.CreateCommand();
        // Without AUTOINCREMENT a new id is the largest plus one: keeping the newest row keeps ids from repeating.
        delete.CommandText = "DELETE FROM audit WHERE id <= $id AND id < (SELECT MAX(id) FROM audit)";
        delete.Parameters.AddWithValue("$id", id);
        return (long)delete.ExecuteNonQuery();
    }));

    public Task<IReadOnlyList<DataKeyRecord>> DataKeysAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<DataKeyRecord>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection, "SELECT id, wrapped, state, created_at FROM data_keys ORDER BY created_at, id", _ => { },
                r => new DataKeyRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)));
        }));

    public Task SaveDataKeysAsync(IReadOnlyList<DataKeyRecord> keys, CancellationToken ct = default)
    {
        Guarded(() =>
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            foreach (var key in keys)
            {
                using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = """
                    INSERT INTO data_keys (id, wrapped, state, created_at) VALUES ($id, $wrapped, $state, $at)
                    ON CONFLICT (id) DO UPDATE SET wrapped = excluded.wrapped, state = excluded.state
                    """;
                cmd.Parameters.AddWithValue("$id", key.Id);
                cmd.Parameters.AddWithValue("$wrapped", key.Wrapped);
                cmd.Parameters.AddWithValue("$state", key.State);
                cmd.Parameters.AddWithValue("$at", key.CreatedAt);
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
            return 0;
        });
        return Task.CompletedTask;
    }

    /// <summary>Matches the rows of <c>history_sealed</c> (migration 008): the planner then reads that index only.</summary>
    private const string Sealed = "(substr(old_value, 1, 5) = '$enc:' OR substr(new_value, 1, 5) = '$enc:')";

    /// <summary>Rows with a value starting with the envelope prefix <c>$p</c>, read through <c>history_sealed</c>.</summary>
    private const string SealedWithPrefix =
        $"history INDEXED BY history_sealed WHERE {Sealed} AND (substr(old_value, 1, length($p)) = $p OR substr(new_value, 1, length($p)) = $p)";

    public Task<int> ReencryptAsync(string envelopePrefix, SecretRewriter rewrite, int batchSize, CancellationToken ct = default) =>
        Task.FromResult(Guarded(() =>
        {
            using var connection = OpenForRewrite();
            // IMMEDIATE: take the write lock up front, so what is read is what gets updated.
            using var tx = connection.BeginTransaction(deferred: false);
            var rows = Query(connection, $"""
                SELECT id, namespace, key, scope, version, old_value, new_value FROM {SealedWithPrefix} LIMIT $n
                """,
                p => { p.AddWithValue("$p", envelopePrefix); p.AddWithValue("$n", batchSize); },
                ReadValues, tx);
            foreach (var row in rows)
                Rewrite(connection, tx, row, (ns, key, scope, version, text) =>
                    text.StartsWith(envelopePrefix, StringComparison.Ordinal) ? rewrite(ns, key, scope, version, text) : text);
            tx.Commit();
            return rows.Count;
        }));

    public Task<IReadOnlyList<(string Namespace, string Key)>> SealedKeysAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<(string, string)>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection, $"SELECT DISTINCT namespace, key FROM history INDEXED BY history_sealed WHERE {Sealed}", _ => { },
                r => (r.GetString(0), r.GetString(1)));
        }));

    public Task<int> RewriteKeyHistoryAsync(string ns, string key, SecretRewriter rewrite, bool maskAudit = false, CancellationToken ct = default) =>
        Task.FromResult(Guarded(() =>
        {
            using var connection = OpenForRewrite();
            // Deferred: most starts find nothing to rewrite, and then take no write lock at all.
            using var tx = connection.BeginTransaction(deferred: true);
            // Every scope's chain, walked from its current row: the key's records without reading the namespace's.
            var rows = Query(connection, $"""
                WITH RECURSIVE {Chain("namespace = $ns AND key = $key", "")}
                SELECT h.id, h.namespace, h.key, h.scope, h.version, h.old_value, h.new_value
                FROM chain c JOIN history h ON {ChainJoin}
                """,
                p => { p.AddWithValue("$ns", ns); p.AddWithValue("$key", key); },
                ReadValues, tx);
            var changed = rows.Count(row => Rewrite(connection, tx, row, rewrite));
            if (changed > 0 && maskAudit) MaskAuditValues(connection, tx, ns, key);
            tx.Commit();
            return changed;
        }));

    /// <summary>Replaces the old and new values in the audit details of one key's changes with the mask; a JSON null (an absent value) stays null.</summary>
    private static void MaskAuditValues(SqliteConnection connection, SqliteTransaction tx, string ns, string key)
    {
        using var mask = connection.CreateCommand();
        mask.Transaction = tx;
        mask.CommandText = """
            UPDATE audit SET detail = json_set(detail,
                '$.old', CASE WHEN IFNULL(json_type(detail, '$.old'), 'null') = 'null' THEN json('null') ELSE $mask END,
                '$.new', CASE WHEN IFNULL(json_type(detail, '$.new'), 'null') = 'null' THEN json('null') ELSE $mask END)
            WHERE namespace = $ns AND key = $key AND action IN ('setting.set', 'setting.reset') AND json_valid(detail)
            """;
        mask.Parameters.AddWithValue("$ns", ns);
        mask.Parameters.AddWithValue("$key", key);
        mask.Parameters.AddWithValue("$mask", Registry.SensitiveValue.Mask);
        mask.ExecuteNonQuery();
    }

    public Task<long> CountEncryptedAsync(string envelopePrefix, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {SealedWithPrefix}";
        cmd.Parameters.AddWithValue("$p", envelopePrefix);
        return (long)cmd.ExecuteScalar()!;
    }));

    private sealed record ValueRow(long Id, string Namespace, string Key, string Scope, long Version, string? Old, string? New);

    private static ValueRow ReadValues(SqliteDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6));

    /// <summary>Stores a row's rewritten values; false when the rewrite changed neither. A row's old value is its key's previous version.</summary>
    private static bool Rewrite(SqliteConnection connection, SqliteTransaction tx, ValueRow row, SecretRewriter rewrite)
    {
        var old = row.Old is null ? null : rewrite(row.Namespace, row.Key, row.Scope, row.Version - 1, row.Old);
        var @new = row.New is null ? null : rewrite(row.Namespace, row.Key, row.Scope, row.Version, row.New);
        if (old == row.Old && @new == row.New) return false;
        Execute(connection, tx, "UPDATE history SET old_value = $old, new_value = $new WHERE id = $id", ("$old", old), ("$new", @new), ("$id", row.Id));
        return true;
    }

    public Task<IReadOnlyList<TokenRecord>> TokensAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<TokenRecord>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection,
                "SELECT id, name, secret_hash, grants, created_at, expires_at, last_used_at, revoked_at FROM tokens ORDER BY created_at, id",
                _ => { },
                r => new TokenRecord(r.GetString(0), r.GetString(1), r.GetString(2),
                    r.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries), r.GetInt64(4),
                    r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7)));
        }));

    public Task SaveTokensAsync(IReadOnlyList<TokenRecord> tokens, CancellationToken ct = default)
    {
        Guarded(() =>
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            foreach (var t in tokens)
                Execute(connection, tx, """
                    INSERT INTO tokens (id, name, secret_hash, grants, created_at, expires_at, last_used_at, revoked_at)
                    VALUES ($id, $name, $hash, $grants, $created, $expires, $used, $revoked)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, grants = excluded.grants, expires_at = excluded.expires_at,
                        last_used_at = NULLIF(MAX(COALESCE(tokens.last_used_at, 0), COALESCE(excluded.last_used_at, 0)), 0),
                        revoked_at = COALESCE(tokens.revoked_at, excluded.revoked_at)
                    """,
                    ("$id", t.Id), ("$name", t.Name), ("$hash", t.SecretHash), ("$grants", string.Join('\n', t.Grants)),
                    ("$created", t.CreatedAt), ("$expires", t.ExpiresAt), ("$used", t.LastUsedAt), ("$revoked", t.RevokedAt));
            tx.Commit();
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<bool> AddFirstTokenAsync(TokenRecord t, CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO tokens (id, name, secret_hash, grants, created_at, expires_at, last_used_at, revoked_at)
            SELECT $id, $name, $hash, $grants, $created, $expires, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM tokens)
            """;
        cmd.Parameters.AddWithValue("$id", t.Id);
        cmd.Parameters.AddWithValue("$name", t.Name);
        cmd.Parameters.AddWithValue("$hash", t.SecretHash);
        cmd.Parameters.AddWithValue("$grants", string.Join('\n', t.Grants));
        cmd.Parameters.AddWithValue("$created", t.CreatedAt);
        cmd.Parameters.AddWithValue("$expires", (object?)t.ExpiresAt ?? DBNull.Value);
        return cmd.ExecuteNonQuery() == 1;
    }));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_checkpointer is not null) await _checkpointerStopped.Task.ConfigureAwait(false);
        _checkpointer = null;
        ResetWriter();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// Checkpoints every <see cref="CheckpointInterval"/> on a thread of its own: a checkpoint writes and fsyncs the
    /// database file, and on a pool thread that blocking would hold back request processing.
    /// </summary>
    private void CheckpointLoop()
    {
        try
        {
            using var connection = Open();
            using var checkpoint = CheckpointCommand(connection);
            while (!_stopping.Token.WaitHandle.WaitOne(CheckpointInterval))
            {
                // Busy or locked: the next round tries again. Every commit is safe in the WAL meanwhile.
                try { Checkpoint(checkpoint); }
                catch (SqliteException) { }
            }
        }
        catch (SqliteException)
        {
            // No connection for checkpoints: the writer's own checkpoints (see DefaultWalRestartFrames) keep the log bounded.
        }
        finally
        {
            _checkpointerStopped.TrySetResult();
        }
    }

    private static SqliteCommand CheckpointCommand(SqliteConnection connection)
    {
        var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        return checkpoint;
    }

    /// <summary>Copies what it can of the WAL into the database file without waiting for anyone.</summary>
    /// <returns>Frames in the log and frames copied; both -1 when another checkpoint was running.</returns>
    private static (long Log, long Copied) Checkpoint(SqliteCommand checkpoint)
    {
        using var result = checkpoint.ExecuteReader();
        return result.Read() && result.GetInt64(0) == 0 ? (result.GetInt64(1), result.GetInt64(2)) : (-1, -1);
    }

    /// <summary>Drops the writer connection and its prepared statements; only the commit loop calls this.</summary>
    private void ResetWriter()
    {
        _writerCheckpoint?.Dispose();
        _head?.Dispose();
        _upsert?.Dispose();
        _insertHistory?.Dispose();
        _insertAudit?.Dispose();
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>
    /// A connection for rewriting stored values (secrets re-sealed, values masked): what it replaces is overwritten with
    /// zeros in the database file instead of lingering in free space.
    /// </summary>
    private SqliteConnection OpenForRewrite()
    {
        var connection = Open();
        Pragma(connection, "secure_delete = ON");
        return connection;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private SqliteConnection Writer()
    {
        if (_writer is not null) return _writer;
        var writer = Open();
        Pragma(writer, "synchronous = FULL");
        // A checkpoint copies WAL pages into the database file and fsyncs it. Done by the writer (SQLite's default)
        // it stalls every queued commit behind it; a background connection does it instead, PASSIVE so it never
        // blocks the writer.
        Pragma(writer, "wal_autocheckpoint = 0");
        // A burst can still grow the log past the restart point; when it starts over, it is cut back to this size.
        Pragma(writer, "journal_size_limit = 67108864");
        if (_checkpointer is null)
        {
            _checkpointer = new Thread(CheckpointLoop) { Name = "strata-checkpoint", IsBackground = true };
            _checkpointer.Start();
        }
        _upsert = new PreparedStatement(writer, $"""
            INSERT INTO settings (namespace, key, scope, version, created_at, updated_at, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (namespace, key, scope) DO UPDATE SET
                version = excluded.version, created_at = excluded.created_at,
                updated_at = excluded.updated_at, revision = excluded.revision
            WHERE settings.version = excluded.version - 1
            """);
        _insertHistory = new PreparedStatement(writer, """
            INSERT INTO history (revision, namespace, key, scope, version, old_value, new_value, actor, at, comment, created_at, prev_revision, id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """);
        _insertAudit = new PreparedStatement(writer, """
            INSERT INTO audit (at, actor, action, outcome, namespace, key, scope, client, request_id, detail)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """);
        _writerCheckpoint = CheckpointCommand(writer);
        _head = writer.CreateCommand();
        _head.CommandText = HeadSql;
        return _writer = writer;
    }

    /// <summary>The last committed revision and the time of the last history record or audit event: what a commit builds on.</summary>
    private const string HeadSql = """
        SELECT COALESCE((SELECT revision FROM history ORDER BY id DESC LIMIT 1), 0),
               MAX(COALESCE((SELECT at FROM history ORDER BY id DESC LIMIT 1), 0), COALESCE((SELECT at FROM audit ORDER BY id DESC LIMIT 1), 0))
        """;

    /// <summary>History ids are <c>revision * RevisionSpan + position in the commit</c> (migration 006).</summary>
    private const long RevisionSpan = ChangeSetLimits.MaxChanges;

    /// <summary>
    /// Joins history row <c>h</c> to the change that row <paramref name="at"/> names by (revision, namespace, key,
    /// scope): through the id range of that revision.
    /// </summary>
    private static string ChangeAt(string at) =>
        $"h.id BETWEEN {at}.revision * {RevisionSpan} AND {at}.revision * {RevisionSpan} + {RevisionSpan - 1} " +
        $"AND h.namespace = {at}.namespace AND h.key = {at}.key AND h.scope = {at}.scope";

    private static readonly string ChainJoin = ChangeAt("c");

    /// <summary>
    /// The largest id in <paramref name="table"/> (history or audit) whose time is at or before <paramref name="time"/>;
    /// null when there is none. Times never go back in commit order (the engine stamps them), so those rows are a prefix
    /// of the table, and a binary search over ids finds its end in at most about 50 seeks: an index on time would cost
    /// every commit two more pages.
    /// </summary>
    private static long? LastIdAtOrBefore(SqliteConnection connection, string table, long time)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT id, at FROM {table} WHERE id >= $id ORDER BY id LIMIT 1";
        var from = probe.Parameters.Add("$id", SqliteType.Integer);
        (long Id, long At)? FirstFrom(long id)
        {
            from.Value = id;
            using var r = probe.ExecuteReader();
            return r.Read() ? (r.GetInt64(0), r.GetInt64(1)) : null;
        }

        if (FirstFrom(long.MinValue) is not { } first || first.At > time) return null;
        using var last = connection.CreateCommand();
        last.CommandText = $"SELECT max(id) FROM {table}";
        var (lo, hi) = (first.Id, (long)last.ExecuteScalar()!);
        // Invariant: lo is an id at or before the time, and no id above hi is.
        while (lo < hi)
        {
            var mid = lo + (hi - lo + 1) / 2;
            var row = FirstFrom(mid)!.Value;
            if (row.Id <= hi && row.At <= time) lo = row.Id;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>A recursive CTE <c>chain</c>: the current rows matching <paramref name="start"/>, then each one's previous changes.</summary>
    private static string Chain(string start, string descendWhile) => $"""
        chain(revision, namespace, key, scope) AS (
            SELECT revision, namespace, key, scope FROM settings WHERE {start}
            UNION ALL
            SELECT h.prev_revision, h.namespace, h.key, h.scope FROM chain c JOIN history h ON {ChainJoin}
            WHERE h.prev_revision IS NOT NULL {descendWhile})
        """;

    private static StoredEntry ReadEntry(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7));

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read,
        SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        bind(cmd.Parameters);
        using var reader = cmd.ExecuteReader();
        var list = new List<T>();
        while (reader.Read()) list.Add(read(reader));
        return list;
    }

    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA " + pragma;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Turns SQLite failures into <see cref="StoreUnavailableException"/>, classified transient (busy, locked, I/O) or not.</summary>
    private T Guarded<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            var transient = e.SqliteErrorCode is 5 or 6 or 10 or 13; // BUSY, LOCKED, IOERR, FULL
            throw new StoreUnavailableException($"SQLite store at {DatabasePath} failed: {e.Message}", transient, e);
        }
    }
}
