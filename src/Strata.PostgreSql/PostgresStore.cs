using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Strata.Storage;

namespace Strata.PostgreSql;

/// <summary>
/// The store on PostgreSQL, shared by every instance that uses the same database and schema. Revisions and commit
/// times are assigned inside the commit transaction, under the lock of the one-row <c>head</c> table, so they are
/// gap-free and in commit order whoever commits; the commit announces itself with <c>NOTIFY</c> in that transaction.
/// Connection failures become transient <see cref="StoreUnavailableException"/>s: nothing is acknowledged unless
/// PostgreSQL committed it.
/// </summary>
internal sealed partial class PostgresStore : IStrataStore
{
    public const string DefaultSchema = "strata";

    private readonly NpgsqlDataSource _source;
    private readonly NpgsqlDataSource _dedicated;
    private long _lastCommitted;
    private int _disposed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Session, long Revision), byte> _committing = new();

    public PostgresStore(string connectionString, string schema = DefaultSchema)
    {
        Schema = CheckSchema(schema);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The message names the keyword, never the value (a password may be one).
            throw new StoreUnavailableException($"The PostgreSQL connection string is not valid: {e.Message}", isTransient: false);
        }
        builder.SearchPath = Schema;
        // Every commit runs the same few statements: prepared on each connection once they repeat.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "strata";
        _source = NpgsqlDataSource.Create(builder);
        // Leases and LISTEN: a session each, ended when closed (a pooled one would keep its lock), and a keepalive
        // query when idle, so a peer gone silent is noticed within seconds.
        _dedicated = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 5,
            ApplicationName = builder.ApplicationName + "-cluster",
        });
        CommitsChannel = $"{Schema}_commits";
        SignalsChannel = $"{Schema}_signals";
    }

    /// <summary>The schema everything is kept in; it also names the notification channels and locks, so stores in other schemas never meet.</summary>
    public string Schema { get; }

    /// <summary><c>NOTIFY</c> channel of every commit; the payload is the revision.</summary>
    public string CommitsChannel { get; }

    /// <summary><c>NOTIFY</c> channel of the cluster signals; the payload names the sender and the topic.</summary>
    public string SignalsChannel { get; }

    /// <summary>
    /// The last revision this process committed: everything up to it is in its snapshot (a commit reads the others'
    /// changes under the lock first), so a notification of a revision at or below it needs no catching up.
    /// </summary>
    public long LastCommitted => Volatile.Read(ref _lastCommitted);

    public async Task MigrateAsync(CancellationToken ct = default) => await Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await PostgresMigrator.MigrateAsync(connection, Schema, ct: ct).ConfigureAwait(false);
        return 0;
    }).ConfigureAwait(false);

    public Task<StoreContents> LoadAsync(CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        // One snapshot of the database: the entries and the head agree even while another instance commits.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        var entries = await QueryAsync(connection, tx, $"""
            SELECT s.namespace, s.key, s.scope, h.new_value, s.version, s.created_at, s.updated_at, s.revision
            FROM settings s JOIN history h ON {SameChange("h", "s")}
            """, _ => { }, ReadEntry, ct).ConfigureAwait(false);
        var head = await QueryAsync(connection, tx, "SELECT revision, at FROM head", _ => { }, r => (r.GetInt64(0), r.GetInt64(1)), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        var (revision, at) = head.Single();
        return new StoreContents(entries, revision, at);
    });

    /// <summary>
    /// Opens the commit transaction: locks the head, reads the last committed revision and the commit time (the
    /// database's clock, never below the last commit's). Dispose without committing to roll back.
    /// </summary>
    public Task<ICommitTransaction> BeginCommitAsync(CancellationToken ct = default) => Guarded<ICommitTransaction>(async () =>
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        NpgsqlTransaction? tx = null;
        try
        {
            tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var head = new NpgsqlCommand(
                "SELECT revision, GREATEST(at, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM head FOR UPDATE", connection, tx);
            await using var r = await head.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await r.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException("The head row is missing: the schema was altered by hand.");
            var (revision, time) = (r.GetInt64(0), r.GetInt64(1));
            await r.DisposeAsync().ConfigureAwait(false);
            return new PostgresCommitTransaction(this, connection, tx, revision, time);
        }
        catch
        {
            if (tx is not null) await tx.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    });

    /// <summary>Whether a commit notification is of this process's own commit: one it made, or is making on that session.</summary>
    public bool IsOwnCommit(int sessionId, long revision) => revision <= LastCommitted || _committing.ContainsKey((sessionId, revision));

    internal IDisposable Committing(int sessionId, long revision)
    {
        _committing[(sessionId, revision)] = 0;
        return new Forget(() => _committing.TryRemove((sessionId, revision), out _));
    }

    private sealed class Forget(Action forget) : IDisposable
    {
        public void Dispose() => forget();
    }

    internal void Committed(long revision)
    {
        var seen = Volatile.Read(ref _lastCommitted);
        while (revision > seen)
        {
            var was = Interlocked.CompareExchange(ref _lastCommitted, revision, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    public Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery q, CancellationToken ct = default) =>
        Guarded<IReadOnlyList<ChangeRecord>>(async () =>
        {
            if (q.Key is not null && q.Namespace is null) throw new ArgumentException("A key's history needs its namespace.", nameof(q));
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            const string columns = "h.revision, h.namespace, h.key, h.scope, h.version, h.old_value, h.new_value, h.actor, h.at, h.comment";
            string sql;
            if (q.Key is null)
            {
                var where = new List<string>();
                if (q.Namespace is not null) where.Add("h.namespace = @ns");
                if (q.Scope is not null) where.Add("h.scope = @scope");
                if (q.BeforeRevision is not null) where.Add("h.revision < @before");
                sql = $"SELECT {columns} FROM history h {Where(where)} ORDER BY h.revision DESC, h.position DESC LIMIT @limit";
            }
            else
            {
                // A key's history walks its chain from the current row; anything wider reads by revision.
                sql = $"""
                    WITH RECURSIVE {Chain("namespace = @ns AND key = @key" + (q.Scope is null ? "" : " AND scope = @scope"), "")}
                    SELECT {columns} FROM chain c JOIN history h ON {SameChange("h", "c")}
                    {(q.BeforeRevision is null ? "" : "WHERE h.revision < @before")}
                    ORDER BY h.revision DESC, h.scope LIMIT @limit
                    """;
            }
            return await QueryAsync(connection, null, sql, p =>
            {
                p.Add(Text("ns", q.Namespace));
                p.Add(Text("key", q.Key));
                p.Add(Text("scope", q.Scope));
                p.Add(Int("before", q.BeforeRevision));
                p.Add(Int("limit", q.Limit));
            }, r => ReadChange(r, withLinks: false), ct).ConfigureAwait(false);
        });

    public Task<IReadOnlyList<ChangeRecord>> ChangesAsync(long after, long through, CancellationToken ct = default) =>
        Guarded<IReadOnlyList<ChangeRecord>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await ChangesAsync(connection, null, after, through, ct).ConfigureAwait(false);
        });

    internal static Task<List<ChangeRecord>> ChangesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long after, long through, CancellationToken ct) =>
        QueryAsync(connection, tx, """
            SELECT revision, namespace, key, scope, version, old_value, new_value, actor, at, comment, prev_revision, created_at FROM history
            WHERE revision > @after AND revision <= @through
            ORDER BY revision, position
            """,
            p => { p.Add(Int("after", after)); p.Add(Int("through", through)); },
            r => ReadChange(r, withLinks: true), ct);

    public Task<IReadOnlyList<StoredEntry>> StateAtAsync(string? ns, long revision, CancellationToken ct = default) =>
        Guarded<IReadOnlyList<StoredEntry>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            // Walk each key's chain back from its current row until the first change at or before the revision.
            return await QueryAsync(connection, null, $"""
                WITH RECURSIVE {Chain(ns is null ? "true" : "namespace = @ns", "AND c.revision > @rev")}
                SELECT h.namespace, h.key, h.scope, h.new_value, h.version, COALESCE(h.created_at, h.at), h.at, h.revision
                FROM chain c JOIN history h ON {SameChange("h", "c")}
                WHERE c.revision <= @rev
                """,
                p => { p.Add(Text("ns", ns)); p.Add(Int("rev", revision)); }, ReadEntry, ct).ConfigureAwait(false);
        });

    public Task<long> RevisionAtAsync(DateTimeOffset time, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        // Times never go back in revision order: the newest change by time is the last revision by then.
        await using var cmd = new NpgsqlCommand("SELECT revision FROM history WHERE at <= @t ORDER BY at DESC, revision DESC LIMIT 1", connection);
        cmd.Parameters.Add(Int("t", time.ToUnixTimeMilliseconds()));
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long revision ? revision : 0;
    });

    public Task<StoreStatus> StatusAsync(CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return new StoreStatus("postgresql", await PostgresMigrator.CurrentVersionAsync(connection, Schema, ct: ct).ConfigureAwait(false),
            PostgresMigrator.Latest);
    });

    public Task<IReadOnlyList<AuditRecord>> AuditAsync(AuditQuery q, CancellationToken ct = default) =>
        Guarded<IReadOnlyList<AuditRecord>>(async () =>
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            var where = new List<string>();
            if (q.Actor is not null) where.Add("actor = @actor");
            if (q.Action is not null) where.Add("action = @action");
            if (q.Namespace is not null) where.Add("namespace = @ns");
            if (q.Key is not null) where.Add("key = @key");
            if (q.From is not null) where.Add("at >= @from");
            if (q.To is not null) where.Add("at <= @to");
            if (q.BeforeId is not null) where.Add("id < @before");
            return await QueryAsync(connection, null, $"""
                SELECT id, at, actor, action, outcome, namespace, key, scope, client, request_id, detail FROM audit
                {Where(where)} ORDER BY id DESC LIMIT @limit
                """,
                p =>
                {
                    p.Add(Text("actor", q.Actor));
                    p.Add(Text("action", q.Action));
                    p.Add(Text("ns", q.Namespace));
                    p.Add(Text("key", q.Key));
                    p.Add(Int("from", q.From));
                    p.Add(Int("to", q.To));
                    p.Add(Int("before", q.BeforeId));
                    p.Add(Int("limit", q.Limit));
                },
                r => new AuditRecord(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    NullableText(r, 5), NullableText(r, 6), NullableText(r, 7), NullableText(r, 8), NullableText(r, 9), NullableText(r, 10)), ct)
                .ConfigureAwait(false);
        });

    public Task<(long ThroughId, long Count)> AuditBeforeAsync(long time, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await QueryAsync(connection, null, "SELECT COALESCE(MAX(id), 0), COUNT(*) FROM audit WHERE at < @t",
            p => p.Add(Int("t", time)), r => (r.GetInt64(0), r.GetInt64(1)), ct).ConfigureAwait(false);
        return rows.Single();
    });

    public Task<long> DeleteAuditThroughAsync(long id, CancellationToken ct = default) => Guarded(async () =>
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        // Ids come from a sequence and never repeat; the newest row is kept all the same, as every store does.
        await using var delete = new NpgsqlCommand("DELETE FROM audit WHERE id <= @id AND id < (SELECT MAX(id) FROM audit)", connection);
        delete.Parameters.Add(Int("id", id));
        return (long)await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    });

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _source.DisposeAsync().ConfigureAwait(false);
        await _dedicated.DisposeAsync().ConfigureAwait(false);
    }

    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct).ConfigureAwait(false);

    /// <summary>A connection of its own, not pooled: its session ends when it is closed.</summary>
    internal async Task<NpgsqlConnection> OpenDedicatedAsync(CancellationToken ct) => await _dedicated.OpenConnectionAsync(ct).ConfigureAwait(false);

    private static string Where(List<string> conditions) => conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);

    /// <summary>Joins history row <paramref name="h"/> to the change another row names by (revision, namespace, key, scope).</summary>
    private static string SameChange(string h, string at) =>
        $"{h}.revision = {at}.revision AND {h}.namespace = {at}.namespace AND {h}.key = {at}.key AND {h}.scope = {at}.scope";

    /// <summary>A recursive CTE <c>chain</c>: the current rows matching <paramref name="start"/>, then each one's previous changes.</summary>
    private static string Chain(string start, string descendWhile) => $"""
        chain(revision, namespace, key, scope) AS (
            SELECT revision, namespace, key, scope FROM settings WHERE {start}
            UNION ALL
            SELECT h.prev_revision, h.namespace, h.key, h.scope FROM chain c JOIN history h ON {SameChange("h", "c")}
            WHERE h.prev_revision IS NOT NULL {descendWhile})
        """;

    private static StoredEntry ReadEntry(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), NullableText(r, 3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7));

    private static ChangeRecord ReadChange(NpgsqlDataReader r, bool withLinks) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), NullableText(r, 5), NullableText(r, 6),
            r.GetString(7), r.GetInt64(8), NullableText(r, 9),
            withLinks && !r.IsDBNull(10) ? r.GetInt64(10) : 0,
            withLinks ? (r.IsDBNull(11) ? r.GetInt64(8) : r.GetInt64(11)) : 0);

    internal static string? NullableText(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    internal static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter Int(string name, long? value) =>
        new(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value };

    internal static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql,
        Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        bind(cmd.Parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) list.Add(read(reader));
        return list;
    }

    internal static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.AddRange(parameters);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Turns PostgreSQL failures into <see cref="StoreUnavailableException"/>: transient when the server could not be
    /// reached, went away, is starting, shutting down or read-only (a standby during failover), or a lock or
    /// serialization conflict; anything else (a constraint, a bad schema) is not. After a connection failure the idle
    /// connections of the pool are dropped, so the next call connects afresh instead of finding each dead one in turn.
    /// </summary>
    internal async Task<T> Guarded<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            var transient = IsTransient(e);
            if (transient) _source.Clear();
            throw new StoreUnavailableException($"PostgreSQL store failed: {e.Message}", transient, e);
        }
    }

    internal static bool IsTransient(NpgsqlException e) => e switch
    {
        PostgresException p => p.IsTransient
            || p.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || p.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal) // shutting down, starting up, crashed
            || p.SqlState is PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.SerializationFailure
                or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable,
        // Not an answer from the server: the connection could not be made, broke or timed out.
        _ => true,
    };

    private static string CheckSchema(string schema) =>
        SchemaName().IsMatch(schema) ? schema
            : throw new StoreUnavailableException(
                $"The PostgreSQL schema name '{schema}' is not valid: use lowercase letters, digits and '_', starting with a letter or '_', at most 48.",
                isTransient: false);

    // Unquoted, so it is the same identifier however it is written; short enough for the channel names it makes.
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$")]
    private static partial Regex SchemaName();
}
