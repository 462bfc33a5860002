using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Strata.Storage.Sqlite;

/// <summary>The commit transaction: <c>BEGIN IMMEDIATE</c> on the writer connection, owned by the single commit loop.</summary>
internal sealed partial class SqliteSettingsStore
{
    public Task<ICommitTransaction> BeginCommitAsync(CancellationToken ct = default) => Task.FromResult<ICommitTransaction>(Guarded(() =>
    {
        try
        {
            var writer = Writer();
            if (_walFrames >= _walRestartFrames)
            {
                // Nothing is appended while the writer checkpoints, so unless a reader holds old frames it copies them all
                // and this transaction starts the log over.
                var (log, copied) = Checkpoint(_writerCheckpoint!);
                if (log >= 0) _walFrames = log == copied ? 0 : log;
            }
            var tx = writer.BeginTransaction(deferred: false);
            try
            {
                _head!.Transaction = tx;
                using var head = _head.ExecuteReader();
                head.Read();
                var (revision, lastAt) = (head.GetInt64(0), head.GetInt64(1));
                return new CommitTransaction(this, tx, revision, Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), lastAt));
            }
            catch
            {
                tx.Dispose();
                throw;
            }
        }
        catch (SqliteException)
        {
            // A failed writer may be mid-transaction; the next commit starts on a fresh connection.
            ResetWriter();
            throw;
        }
    }));

    private void Write(SqliteTransaction tx, long head, IReadOnlyList<ChangeRecord> records, IReadOnlyList<AuditRecord> audit)
    {
        var (revision, position) = (head, 0L);
        foreach (var r in records)
        {
            if (r.Revision == revision) position++;
            else if (r.Revision == revision + 1) (revision, position) = (r.Revision, 0);
            else throw new InvalidOperationException($"A commit after revision {head} wrote revision {r.Revision} after {revision}: revisions must follow without a gap.");
            if (position >= RevisionSpan) throw new InvalidOperationException($"A revision holds at most {RevisionSpan} changes.");
            _insertHistory!.Bind(1, r.Revision).Bind(2, r.Namespace).Bind(3, r.Key).Bind(4, r.Scope).Bind(5, r.Version)
                .Bind(6, r.OldValue).Bind(7, r.NewValue).Bind(8, r.Actor).Bind(9, r.At).Bind(10, r.Comment)
                .Bind(11, r.NewValue is null ? null : r.CreatedAt).Bind(12, r.PreviousRevision == 0 ? null : r.PreviousRevision)
                .Bind(13, r.Revision * RevisionSpan + position)
                .Execute();
            // The upsert only replaces the row holding the version before this one (or inserts the first).
            var changed = _upsert!.Bind(1, r.Namespace).Bind(2, r.Key).Bind(3, r.Scope).Bind(4, r.Version)
                .Bind(5, r.CreatedAt).Bind(6, r.At).Bind(7, r.Revision)
                .Execute();
            if (changed != 1)
                throw new InvalidOperationException($"{r.Namespace}/{r.Key}@{r.Scope} version {r.Version} does not follow the stored version.");
        }
        foreach (var a in audit)
        {
            _insertAudit!.Bind(1, a.At).Bind(2, a.Actor).Bind(3, a.Action).Bind(4, a.Outcome).Bind(5, a.Namespace).Bind(6, a.Key)
                .Bind(7, a.Scope).Bind(8, a.Client).Bind(9, a.RequestId).Bind(10, a.Detail)
                .Execute();
        }
        tx.Commit();
        // Pages this connection wrote to the WAL since the last call.
        raw.sqlite3_db_status(_writer!.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1);
        _walFrames += written;
    }

    private sealed class CommitTransaction(SqliteSettingsStore store, SqliteTransaction tx, long revision, long time) : ICommitTransaction
    {
        public long Revision { get; } = revision;

        public long Time { get; } = time;

        public Task<IReadOnlyList<ChangeRecord>> ChangesAsync(long after, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<ChangeRecord>>(store.Guarded(() => ReadChanges(tx.Connection!, tx, after, long.MaxValue)));

        public Task CommitAsync(IReadOnlyList<ChangeRecord> records, IReadOnlyList<AuditRecord> audit, CancellationToken ct = default)
        {
            store.Guarded(() =>
            {
                try
                {
                    store.Write(tx, Revision, records, audit);
                }
                catch (Exception e) when (e is SqliteException or InvalidOperationException)
                {
                    // A failed writer may be mid-transaction; the next commit starts on a fresh connection.
                    if (e is SqliteException) store.ResetWriter();
                    else tx.Rollback();
                    throw;
                }
                return 0;
            });
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            tx.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
