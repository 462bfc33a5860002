using Microsoft.Data.Sqlite;

namespace Strata.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode with <c>synchronous=FULL</c>: a commit returns after its WAL frames are fsynced. One writer
/// connection is used by the single commit loop; reads open pooled connections of their own.
/// </summary>
internal sealed class SqliteSettingsStore : ISettingsStore
{
    private const string EntryColumns = "namespace, key, scope, value, version, created_at, updated_at, revision";

    private readonly string _connectionString;
    private SqliteConnection? _writer;
    private SqliteCommand? _upsert;
    private SqliteCommand? _insertHistory;

    public SqliteSettingsStore(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
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
        var entries = Query(connection, $"SELECT {EntryColumns} FROM settings", _ => { }, ReadEntry);
        using var max = connection.CreateCommand();
        max.CommandText = "SELECT COALESCE(MAX(revision), 0) FROM history";
        return new StoreContents(entries, (long)max.ExecuteScalar()!);
    }));

    public Task CommitAsync(IReadOnlyList<ChangeRecord> records, CancellationToken ct = default)
    {
        Guarded(() =>
        {
            var writer = Writer();
            using var tx = writer.BeginTransaction();
            _upsert!.Transaction = tx;
            _insertHistory!.Transaction = tx;
            foreach (var r in records)
            {
                Bind(_upsert, r);
                _upsert.ExecuteNonQuery();
                Bind(_insertHistory, r);
                _insertHistory.Parameters["$old"].Value = (object?)r.OldValue ?? DBNull.Value;
                _insertHistory.Parameters["$actor"].Value = r.Actor;
                _insertHistory.Parameters["$comment"].Value = (object?)r.Comment ?? DBNull.Value;
                _insertHistory.ExecuteNonQuery();
            }
            tx.Commit();
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery q, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ChangeRecord>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection, """
                SELECT revision, namespace, key, scope, version, old_value, new_value, actor, at, comment FROM history
                WHERE ($ns IS NULL OR namespace = $ns) AND ($key IS NULL OR key = $key)
                  AND ($scope IS NULL OR scope = $scope) AND ($before IS NULL OR revision < $before)
                ORDER BY revision DESC, namespace, key, scope LIMIT $limit
                """,
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

    public Task<IReadOnlyList<StoredEntry>> StateAtAsync(string? ns, long revision, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<StoredEntry>>(Guarded(() =>
        {
            using var connection = Open();
            return Query(connection, """
                SELECT h.namespace, h.key, h.scope, h.new_value, h.version,
                       (SELECT MIN(c.at) FROM history c WHERE c.namespace = h.namespace AND c.key = h.key AND c.scope = h.scope
                          AND c.revision <= h.revision), h.at, h.revision
                FROM history h
                WHERE ($ns IS NULL OR h.namespace = $ns)
                  AND h.revision = (SELECT MAX(l.revision) FROM history l
                                    WHERE l.namespace = h.namespace AND l.key = h.key AND l.scope = h.scope AND l.revision <= $rev)
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
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(revision), 0) FROM history WHERE at <= $t";
        cmd.Parameters.AddWithValue("$t", time.ToUnixTimeMilliseconds());
        return (long)cmd.ExecuteScalar()!;
    }));

    public Task<StoreStatus> StatusAsync(CancellationToken ct = default) => Task.FromResult(Guarded(() =>
    {
        using var connection = Open();
        return new StoreStatus("sqlite", SqliteMigrator.CurrentVersion(connection), SqliteMigrator.Latest);
    }));

    public ValueTask DisposeAsync()
    {
        _upsert?.Dispose();
        _insertHistory?.Dispose();
        _writer?.Dispose();
        _writer = null;
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
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
        _upsert = writer.CreateCommand();
        _upsert.CommandText = $"""
            INSERT INTO settings ({EntryColumns}) VALUES ($ns, $key, $scope, $new, $version, $at, $at, $rev)
            ON CONFLICT (namespace, key, scope) DO UPDATE SET
                value = excluded.value, version = excluded.version, updated_at = excluded.updated_at,
                revision = excluded.revision,
                created_at = CASE WHEN settings.value IS NULL THEN excluded.created_at ELSE settings.created_at END
            """;
        AddParameters(_upsert, "$ns", "$key", "$scope", "$new", "$version", "$at", "$rev");
        _upsert.Prepare();
        _insertHistory = writer.CreateCommand();
        _insertHistory.CommandText = """
            INSERT INTO history (revision, namespace, key, scope, version, old_value, new_value, actor, at, comment)
            VALUES ($rev, $ns, $key, $scope, $version, $old, $new, $actor, $at, $comment)
            """;
        AddParameters(_insertHistory, "$ns", "$key", "$scope", "$new", "$version", "$at", "$rev", "$old", "$actor", "$comment");
        _insertHistory.Prepare();
        return _writer = writer;
    }

    private static void AddParameters(SqliteCommand cmd, params string[] names)
    {
        foreach (var name in names) cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
    }

    private static void Bind(SqliteCommand cmd, ChangeRecord r)
    {
        var p = cmd.Parameters;
        p["$ns"].Value = r.Namespace;
        p["$key"].Value = r.Key;
        p["$scope"].Value = r.Scope;
        p["$new"].Value = (object?)r.NewValue ?? DBNull.Value;
        p["$version"].Value = r.Version;
        p["$at"].Value = r.At;
        p["$rev"].Value = r.Revision;
    }

    private static StoredEntry ReadEntry(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7));

    private static List<T> Query<T>(SqliteConnection connection, string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read)
    {
        using var cmd = connection.CreateCommand();
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
            // A failed writer may be mid-transaction; start the next commit on a fresh connection.
            _upsert?.Dispose(); _insertHistory?.Dispose(); _writer?.Dispose();
            _writer = null;
            var transient = e.SqliteErrorCode is 5 or 6 or 10 or 13; // BUSY, LOCKED, IOERR, FULL
            throw new StoreUnavailableException($"SQLite store at {DatabasePath} failed: {e.Message}", transient, e);
        }
    }
}
