using System.Buffers;
using System.Text.Json;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Strata.Naming;
using Strata.Storage;

namespace Strata.Engine;

/// <summary>
/// The single writer. Requests queue; the loop takes every request waiting, checks each one's
/// preconditions against the state left by the ones before it, writes them all in one transaction (one fsync),
/// then publishes the new snapshot and acknowledges the callers. Nothing is acknowledged before it is durable.
/// </summary>
internal sealed partial class CommitPipeline : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly ManualResetEventSlim _arrived = new(false, spinCount: 0);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private bool _closed;
    private readonly ISettingsLog _store;
    private readonly SnapshotHolder _snapshots;
    private readonly ChangeFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<ChangeRecord, ChangeRecord> _seal;
    private readonly Func<ChangeRecord, ChangeRecord> _open;
    private readonly Func<StoreContents, Snapshot> _load;
    private readonly Func<string, string, bool> _isSensitive;
    private readonly ArrayBufferWriter<byte> _detailBuffer = new(1024);
    private readonly Utf8JsonWriter _detailWriter;
    private int _followWanted;

    // seal: a record as the store keeps it (secrets encrypted); open: a stored record with its secret decrypted (or
    // marked unreadable), for commits followed from other instances; load: what the store holds as a snapshot
    // (secrets decrypted), for reloads.
    public CommitPipeline(ISettingsLog store, SnapshotHolder snapshots, ChangeFeed feed, TimeProvider time, ILogger logger,
        Func<ChangeRecord, ChangeRecord> seal, Func<ChangeRecord, ChangeRecord> open, Func<StoreContents, Snapshot> load,
        Func<string, string, bool> isSensitive)
    {
        _isSensitive = isSensitive;
        _seal = seal;
        _open = open;
        _load = load;
        _store = store;
        _snapshots = snapshots;
        _feed = feed;
        _time = time;
        _logger = logger;
        _detailWriter = new Utf8JsonWriter(_detailBuffer);
        new Thread(Run) { Name = "strata-commit", IsBackground = true }.Start();
    }

    public Task<CommitResult> SubmitAsync(ChangeSet set) => Enqueue(new Pending(set)).Completion.Task;

    /// <summary>Re-reads the store into a fresh snapshot (inside the loop, so no commit races it) and announces it.</summary>
    public Task<CommitResult> ReloadAsync(string actor) => Enqueue(new Pending(new ChangeSet([], actor), reload: true)).Completion.Task;

    /// <summary>
    /// Applies and publishes the commits other instances made on a shared store since this snapshot's revision (read
    /// from the store, in order); completes once they are in the snapshot.
    /// </summary>
    public Task<CommitResult> FollowAsync() => Enqueue(new Pending(new ChangeSet([], "strata"), follow: true)).Completion.Task;

    /// <summary>
    /// Asks for a <see cref="FollowAsync"/> without waiting for it: however many signals arrive before the loop reads
    /// the store, it reads once. A failed read is logged; the next signal reads again.
    /// </summary>
    public void RequestFollow()
    {
        if (Interlocked.Exchange(ref _followWanted, 1) == 1) return;
        FollowAsync().ContinueWith(t => LogFollowFailed(_logger, t.Exception!.GetBaseException()), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Appends audit events, group-committed with whatever else is queued; completes once they are durable.</summary>
    public Task AuditAsync(IReadOnlyList<AuditRecord> events) => Enqueue(new Pending(new ChangeSet([], "strata"), audit: events)).Completion.Task;

    /// <summary>
    /// Runs <paramref name="work"/> on the commit loop, between batches: it never competes with a commit for the
    /// database's write lock, and commits queued meanwhile run right after it. For long jobs (re-encryption) that must
    /// not starve writers: give it small pieces.
    /// </summary>
    public Task<T> ExclusiveAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new Pending(new ChangeSet([], "strata"), work: async () =>
        {
            try { done.TrySetResult(await work().ConfigureAwait(false)); }
            catch (Exception e) { done.TrySetException(e); }
        }));
        return done.Task;
    }

    private Pending Enqueue(Pending pending)
    {
        lock (_gate)
        {
            if (_closed) throw new StoreUnavailableException("Strata is shutting down; the request was not accepted.", isTransient: true);
            _queue.Enqueue(pending);
            // Under the lock: once closed, nothing signals the event, which is disposed after the loop ends.
            _arrived.Set();
        }
        return pending;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
            _arrived.Set();
        }
        await _stopped.Task.ConfigureAwait(false);
        _arrived.Dispose();
        await _detailWriter.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The loop, on a thread of its own: a commit blocks on its fsync, and a loop resumed by the thread pool after
    /// every batch would queue behind the very requests it is about to acknowledge.
    /// </summary>
    private void Run()
    {
        var batch = new List<Pending>(MaxBatch);
        while (true)
        {
            // Reset before looking: a request queued after the look sets the event again, so none is missed.
            _arrived.Reset();
            batch.Clear();
            Pending? work = null;
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var pending))
            {
                // Exclusive work ends the batch: what was queued before it commits first.
                if (pending.Work is not null) { work = pending; break; }
                batch.Add(pending);
            }
            if (batch.Count == 0 && work is null)
            {
                if (Volatile.Read(ref _closed) && _queue.IsEmpty) break;
                _arrived.Wait();
                continue;
            }
            if (batch.Count > 0)
            {
                try
                {
                    Block(CommitBatchAsync(batch));
                }
                catch (Exception e)
                {
                    LogCommitFailed(_logger, e, batch.Count);
                    foreach (var p in batch) p.Completion.TrySetException(e);
                }
            }
            if (work is not null) Block(work.Work!());
        }
        _stopped.TrySetResult();
    }

    /// <summary>
    /// Waits for a store call on the loop's own thread. Not <c>GetAwaiter().GetResult()</c>: that spins before it
    /// blocks, and a store that answers over the network (PostgreSQL) kept a core spinning on every commit.
    /// </summary>
    private static void Block(Task task)
    {
        if (!task.IsCompleted) ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        task.GetAwaiter().GetResult();
    }

    private async Task CommitBatchAsync(List<Pending> batch)
    {
        var snapshot = _snapshots.Current;
        if (batch.Exists(p => p.Reload)) _snapshots.Current = snapshot = _load(await _store.LoadAsync().ConfigureAwait(false));
        else if (batch.Exists(p => p.Follow))
        {
            // Cleared before reading: a signal that arrives during the read asks for another.
            Interlocked.Exchange(ref _followWanted, 0);
            snapshot = await FollowStoreAsync(snapshot).ConfigureAwait(false);
        }
        if (!batch.Exists(p => p.Set.Changes.Count > 0 || p.Audit.Count > 0))
        {
            foreach (var request in batch) Acknowledge(request, snapshot);
            return;
        }

        await using var tx = await _store.BeginCommitAsync().ConfigureAwait(false);
        // Under the store's write lock: another instance's commits come first, so every precondition below is checked
        // against the store's latest state.
        if (tx.Revision > snapshot.Revision) snapshot = Follow(snapshot, await tx.ChangesAsync(snapshot.Revision).ConfigureAwait(false));
        if (tx.Revision != snapshot.Revision)
            throw new StoreUnavailableException($"The store is at revision {tx.Revision} and this instance at {snapshot.Revision}; reload to follow it.", isTransient: false);
        var revision = snapshot.Revision;
        // Everything in a batch, audit events included, is stamped with its commit time.
        var now = tx.Time;
        var working = new Dictionary<(string, string), KeyState>(NameTuples.Pair);
        var records = new List<ChangeRecord>();
        var audit = new List<AuditRecord>();
        var accepted = new List<(Pending Request, CommitResult Result, List<ChangedKey>? Changed)>();

        foreach (var request in batch)
        {
            if (request.Reload || request.Follow)
            {
                Acknowledge(request, snapshot);
                continue;
            }
            if (FindConflict(request.Set, snapshot, working) is { } conflict)
            {
                request.Completion.TrySetException(conflict);
                continue;
            }
            var effective = request.Set.Changes.Where(c => Changes(c, request.Set.SkipUnchanged, snapshot, working)).ToList();
            foreach (var a in request.Audit) audit.Add(a.At == now ? a : a with { At = now });
            if (effective.Count == 0)
            {
                accepted.Add((request, new CommitResult(revision, []), null));
                continue;
            }
            revision++;
            var applied = new List<AppliedChange>(effective.Count);
            var changed = new List<ChangedKey>(effective.Count);
            foreach (var change in effective)
            {
                var state = Find(change.Namespace, change.Key, snapshot, working);
                var current = state?.At(change.Scope);
                var oldJson = current?.Json;
                var json = change.Json;
                var version = (current?.Version ?? 0) + 1;
                var created = current is { IsLive: true } ? current.CreatedAt : now;
                var scope = current?.Scope ?? change.Scope;
                var value = new StoredValue(scope, json, version, created, now, revision);
                state = state?.With(value) ?? new KeyState(change.Namespace, change.Key, [value]);
                working[(state.Namespace, state.Key)] = state;
                records.Add(_seal(new ChangeRecord(revision, state.Namespace, state.Key, scope, version, oldJson, json,
                    request.Set.Actor, now, request.Set.Comment, current?.Revision ?? 0, created)));
                applied.Add(new AppliedChange(state.Namespace, state.Key, scope, version, json is null, created, now));
                changed.Add(new ChangedKey(state.Namespace, state.Key, scope, version, state));
                audit.Add(new AuditRecord(0, now, request.Set.Actor, json is null ? "setting.reset" : "setting.set", "ok", state.Namespace, state.Key,
                    scope, request.Set.Client, request.Set.RequestId,
                    ChangeDetail(revision, version, oldJson, json, request.Set.Comment, _isSensitive(state.Namespace, state.Key))));
            }
            accepted.Add((request, new CommitResult(revision, applied), changed));
        }

        if (records.Count > 0 || audit.Count > 0)
        {
            try
            {
                await tx.CommitAsync(records, audit).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogCommitFailed(_logger, e, accepted.Count);
                foreach (var (request, _, _) in accepted) request.Completion.TrySetException(e);
                return;
            }
            if (records.Count > 0) _snapshots.Current = snapshot.With(working.Values, revision);
        }

        // Published in revision order once durable and in the snapshot: a watcher that reads the snapshot and then
        // the feed misses nothing.
        foreach (var (request, result, changed) in accepted)
        {
            request.Completion.TrySetResult(result);
            if (changed is { Count: > 0 })
                _feed.Publish(new ChangeEvent(ChangeEvent.Updated, result.Revision, changed, request.Set.Actor, now));
        }
    }

    /// <summary>Acknowledges a request that commits nothing (a reload, a follow, an empty set) at the snapshot's revision.</summary>
    private void Acknowledge(Pending request, Snapshot snapshot)
    {
        request.Completion.TrySetResult(new CommitResult(snapshot.Revision, []));
        if (request.Reload)
            _feed.Publish(new ChangeEvent(ChangeEvent.Reloaded, snapshot.Revision, [], request.Set.Actor, _time.GetUtcNow().ToUnixTimeMilliseconds(), snapshot));
    }

    private const int FollowPage = 256;

    /// <summary>Reads what was committed after the snapshot's revision, a page of revisions at a time, and follows it.</summary>
    private async Task<Snapshot> FollowStoreAsync(Snapshot snapshot)
    {
        while (true)
        {
            var records = await _store.ChangesAsync(snapshot.Revision, snapshot.Revision + FollowPage).ConfigureAwait(false);
            if (records.Count == 0) return snapshot;
            snapshot = Follow(snapshot, records);
        }
    }

    /// <summary>
    /// Applies committed records (another instance's, oldest first) to the snapshot and publishes one event per
    /// revision, exactly as if this instance had committed them. Stops at a gap: the rest is read again next time.
    /// </summary>
    private Snapshot Follow(Snapshot snapshot, IReadOnlyList<ChangeRecord> records)
    {
        var working = new Dictionary<(string, string), KeyState>(NameTuples.Pair);
        var events = new List<ChangeEvent>();
        var revision = snapshot.Revision;
        for (var i = 0; i < records.Count && records[i].Revision == revision + 1;)
        {
            revision = records[i].Revision;
            var first = records[i];
            var changed = new List<ChangedKey>();
            for (; i < records.Count && records[i].Revision == revision; i++)
            {
                var opened = _open(records[i]);
                var value = new StoredValue(opened.Scope, opened.NewValue, opened.Version, opened.CreatedAt, opened.At, opened.Revision, opened.Unreadable);
                var state = Find(opened.Namespace, opened.Key, snapshot, working)?.With(value) ?? new KeyState(opened.Namespace, opened.Key, [value]);
                working[(state.Namespace, state.Key)] = state;
                changed.Add(new ChangedKey(state.Namespace, state.Key, opened.Scope, opened.Version, state));
            }
            events.Add(new ChangeEvent(ChangeEvent.Updated, revision, changed, first.Actor, first.At));
        }
        if (events.Count == 0) return snapshot;
        _snapshots.Current = snapshot = snapshot.With(working.Values, revision);
        foreach (var e in events) _feed.Publish(e);
        return snapshot;
    }

    private static VersionConflictException? FindConflict(ChangeSet set, Snapshot snapshot, Dictionary<(string, string), KeyState> working)
    {
        foreach (var change in set.Changes)
        {
            if (change.ExpectedVersion is not { } expected) continue;
            var current = Current(change, snapshot, working)?.Version ?? 0;
            if (current != expected)
                return new VersionConflictException(change.Namespace, change.Key, change.Scope, expected, current);
        }
        return null;
    }

    /// <summary>Whether a change does anything: a reset only of a live override; a write always, unless skipping unchanged values.</summary>
    private bool Changes(Change c, bool skipUnchanged, Snapshot snapshot, Dictionary<(string, string), KeyState> working)
    {
        // A plain write needs no look at the current value: this runs on the single commit thread, for every change.
        if (c.Value is not null && !skipUnchanged) return true;
        var current = Current(c, snapshot, working);
        if (c.Value is null) return current is { IsLive: true };
        return current is not { IsLive: true } || current.Json != c.Json || _isSensitive(c.Namespace, c.Key);
    }

    private static StoredValue? Current(Change c, Snapshot snapshot, Dictionary<(string, string), KeyState> working) =>
        Find(c.Namespace, c.Key, snapshot, working)?.At(c.Scope);

    private static KeyState? Find(string ns, string key, Snapshot snapshot, Dictionary<(string, string), KeyState> working) =>
        working.TryGetValue((ns, key), out var state) ? state : snapshot.Find(ns, key);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Could not read other instances' commits from the store; the next signal tries again")]
    private static partial void LogFollowFailed(ILogger logger, Exception e);

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Commit of {Count} request(s) failed; none was acknowledged")]
    private static partial void LogCommitFailed(ILogger logger, Exception e, int count);

    /// <summary>The audit detail of a change: revision, version, old and new value (masked when sensitive), comment.</summary>
    private string ChangeDetail(long revision, long version, string? old, string? @new, string? comment, bool sensitive)
    {
        // One buffer and writer for the loop's lifetime: only the resulting string is allocated per change.
        _detailBuffer.ResetWrittenCount();
        _detailWriter.Reset(_detailBuffer);
        var w = _detailWriter;
        w.WriteStartObject();
        w.WriteNumber("revision", revision);
        w.WriteNumber("version", version);
        Registry.SensitiveValue.WriteRaw(w, "old", old, sensitive);
        Registry.SensitiveValue.WriteRaw(w, "new", @new, sensitive);
        if (comment is not null) w.WriteString("comment", comment);
        w.WriteEndObject();
        w.Flush();
        return System.Text.Encoding.UTF8.GetString(_detailBuffer.WrittenSpan);
    }

    private sealed class Pending(ChangeSet set, bool reload = false, IReadOnlyList<AuditRecord>? audit = null, Func<Task>? work = null,
        bool follow = false)
    {
        public ChangeSet Set { get; } = set;
        public bool Reload { get; } = reload;
        public bool Follow { get; } = follow;
        public IReadOnlyList<AuditRecord> Audit { get; } = audit ?? [];
        public Func<Task>? Work { get; } = work;
        public TaskCompletionSource<CommitResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Holds the current snapshot; the commit loop is its only writer.</summary>
internal sealed class SnapshotHolder(Snapshot initial)
{
    private Snapshot _current = initial;

    public Snapshot Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
