using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Strata.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the writer connection and bound through SQLite's C API. The commit loop runs three
/// per change; through <see cref="SqliteCommand"/> each execution allocated a binder per parameter, boxed integers,
/// a data reader and a UTF-16 to UTF-8 copy of every string. Here text is encoded into one reused buffer and SQLite
/// copies it while binding. Parameters are numbered from 1 (<c>?1</c>, <c>?2</c>…). Not thread-safe: one owner.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[512];

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        Check(raw.sqlite3_prepare_v3(connection.Handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement));
    }

    public PreparedStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    public PreparedStatement Bind(int index, long? value) =>
        value is { } v ? Bind(index, v) : BindNull(index);

    public PreparedStatement Bind(int index, string? value)
    {
        if (value is null) return BindNull(index);
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length) _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
        return this;
    }

    private PreparedStatement BindNull(int index)
    {
        Check(raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    /// <summary>Runs the statement to completion and clears it for the next use; returns how many rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW) Check(rc);
        return raw.sqlite3_changes(_connection.Handle);
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
}
