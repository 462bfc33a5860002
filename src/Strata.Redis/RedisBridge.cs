using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Strata.Cluster;
using Strata.Engine;
using Strata.Naming;

namespace Strata.Redis;

/// <summary>
/// Publishes every revision to Redis from the engine's change feed, in order, while this instance holds the lease
/// <see cref="LeaseName"/>. Each session starts from what Redis holds (the version key; this process's last
/// publication when Redis came back empty): it replays the revisions after it from history, each with the state as
/// it was right after it, then follows live commits. Redis down, a lost connection or a failed write end the session;
/// the next starts after a capped, jittered backoff, or at once when the connection is restored.
/// </summary>
internal sealed class RedisBridge(SettingsEngine engine, IClusterLeases leases, StrataRedisOptions options, RedisBridgeStatus status,
    ILogger<RedisBridge> log) : IHostedLifecycleService, IAsyncDisposable
{
    internal const string LeaseName = "bridge:redis";

    private readonly CancellationTokenSource _stopping = new();
    private readonly RedisDocuments _documents = new(engine);
    private readonly string _endpoints = RedisBridgeSettings.Endpoints(options);
    private readonly Backoff _backoff = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    private ConnectionMultiplexer? _redis;
    private CancellationTokenSource? _session;
    // -1 until this process has published.
    private long _lastPublished = -1;
    private Task? _running;
    private bool _clashLogged;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // After every hosted service started: the engine is open, whichever order the services were added in.
        _running = Task.Run(() => RunAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    // Before any StopAsync: the engine is still open while the bridge stops.
    public Task StoppingAsync(CancellationToken cancellationToken) => StopRunningAsync();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StopRunningAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StopRunningAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            try
            {
                // Bounded: a write stuck on a dying connection must not hold up the host's shutdown.
                await _running.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
        if (_redis is not null) await _redis.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            var redis = await ConnectAsync(stopping).ConfigureAwait(false);
            while (!stopping.IsCancellationRequested)
            {
                ClusterLease lease;
                try
                {
                    lease = await leases.AcquireAsync(LeaseName, stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    // A shared store that is down cannot grant the lease: try again, as for Redis.
                    var delay = _backoff.Next();
                    RedisBridgeLog.PublishFailed(log, _endpoints, $"the lease {LeaseName} could not be taken ({e.Message}).", delay);
                    await Task.Delay(delay, stopping).ConfigureAwait(false);
                    continue;
                }
                await using (lease.ConfigureAwait(false))
                {
                    RedisBridgeLog.LeaseAcquired(log, LeaseName);
                    status.MarkPublishing(true);
                    using var held = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
                    await PublishWhileHeldAsync(redis.GetDatabase(), held.Token).ConfigureAwait(false);
                    status.MarkPublishing(false);
                    if (lease.Lost.IsCancellationRequested && !stopping.IsCancellationRequested) RedisBridgeLog.LeaseLost(log, LeaseName);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                // Returns even when Redis is down (AbortOnConnectFail off): the client goes on connecting by itself.
                var redis = await ConnectionMultiplexer.ConnectAsync(RedisBridgeSettings.Connection(options)).WaitAsync(stopping).ConfigureAwait(false);
                _redis = redis;
                redis.ConnectionFailed += (_, e) =>
                {
                    if (e.ConnectionType != ConnectionType.Interactive) return;
                    status.MarkDisconnected(e.Exception?.Message ?? e.FailureType.ToString());
                    RedisBridgeLog.ConnectionLost(log, _endpoints, e.FailureType.ToString());
                };
                redis.ConnectionRestored += (_, e) =>
                {
                    if (e.ConnectionType != ConnectionType.Interactive) return;
                    status.MarkConnected();
                    RedisBridgeLog.Restored(log, _endpoints);
                    // Redis may have come back empty or restored: the session starts over from what it holds now.
                    try
                    {
                        Volatile.Read(ref _session)?.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                };
                if (redis.IsConnected) status.MarkConnected();
                else status.MarkDisconnected("connecting");
                return redis;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                var delay = _backoff.Next();
                status.MarkDisconnected(e.Message);
                RedisBridgeLog.PublishFailed(log, _endpoints, e.Message, delay);
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishWhileHeldAsync(IDatabase db, CancellationToken held)
    {
        while (!held.IsCancellationRequested)
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(held);
            Volatile.Write(ref _session, session);
            TimeSpan delay;
            try
            {
                // Returns when the session is cancelled: the connection was restored, or the lease is gone.
                await PublishAsync(db, session.Token).ConfigureAwait(false);
                continue;
            }
            catch (Exception) when (session.IsCancellationRequested)
            {
                continue;
            }
            catch (Exception e)
            {
                delay = _backoff.Next();
                status.MarkDisconnected(e.Message);
                RedisBridgeLog.PublishFailed(log, _endpoints, e.Message, delay);
            }
            try
            {
                await Task.Delay(delay, session.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Restored (start over at once) or the lease is gone (the loop ends).
            }
        }
    }

    /// <summary>One session: put Redis in step with the store, then publish each revision after what it holds.</summary>
    private async Task PublishAsync(IDatabase db, CancellationToken ct)
    {
        var stored = await db.StringGetAsync(options.VersionKey).ConfigureAwait(false);
        long? version = null;
        if (!stored.IsNull)
        {
            if (long.TryParse(stored.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) version = parsed;
            else RedisBridgeLog.VersionUnreadable(log, options.VersionKey);
        }
        status.MarkConnected();
        // What Redis holds is what was published; when it came back empty, what this process published last is.
        var published = Interlocked.Read(ref _lastPublished);
        var resumeAfter = version ?? (published >= 0 ? published : null);
        var current = engine.Current;
        Snapshot state;
        if (resumeAfter is not { } after || current.Revision - after > engine.Options.Watch.MaxReplay)
        {
            state = current;
            await WriteWholeAsync(db, state, withMessage: true, resumeAfter is null ? "nothing published yet" : "too far behind to replay").ConfigureAwait(false);
            resumeAfter = state.Revision;
        }
        else if (after >= current.Revision)
        {
            state = current;
            // Written again: Redis may have restarted without its data since.
            if (after == current.Revision) await WriteWholeAsync(db, state, withMessage: false, "resumed").ConfigureAwait(false);
            else RedisBridgeLog.RedisAhead(log, after, current.Revision, options.VersionKey);
        }
        else
        {
            state = await engine.SnapshotAtAsync(null, after, ct).ConfigureAwait(false);
        }
        _backoff.Reset();
        RedisBridgeLog.Resuming(log, _endpoints, resumeAfter.Value);

        var maxReplay = engine.Options.Watch.MaxReplay;
        await foreach (var change in FeedFollower.FollowAsync(engine, state.Revision, static _ => true, ct,
            resetWhen: (position, from) => from - position > maxReplay ? $"more than {maxReplay} revisions behind" : null).ConfigureAwait(false))
        {
            switch (change.Event)
            {
                case ChangeEvent.Updated:
                    // Each revision with the state right after it, also when replayed from history.
                    state = state.With(change.Changed.Select(c => c.State), change.Revision);
                    if (change.Revision > resumeAfter) await WriteChangeAsync(db, state, change).ConfigureAwait(false);
                    break;
                case ChangeEvent.Reloaded:
                    state = change.Snapshot ?? engine.Current;
                    await WriteWholeAsync(db, state, withMessage: true, "reloaded").ConfigureAwait(false);
                    break;
                case ChangeEvent.Reset:
                    state = await engine.SnapshotAtAsync(null, change.Revision, ct).ConfigureAwait(false);
                    await WriteWholeAsync(db, state, withMessage: true, change.Reason ?? "reset").ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task WriteChangeAsync(IDatabase db, Snapshot state, ChangeEvent change)
    {
        var namespaces = _documents.Resolve(state);
        // A namespace the commit emptied is no longer listed: its per-namespace snapshot is written empty.
        var touched = change.Changed.Select(c => c.Namespace).Distinct(Names.Comparer)
            .Select(ns => namespaces.FirstOrDefault(n => Names.Comparer.Equals(n.Namespace, ns)) is { Settings: not null } listed
                ? listed : (ns, engine.GetNamespace(state, ns, ScopeChain.GlobalOnly)));
        var publication = new RedisPublication(change.Revision, RedisPublicationRule.Above,
            _documents.Snapshot(change.Revision, change.At, namespaces), PerNamespace(change.Revision, change.At, touched),
            _documents.Message(ChangeEvent.Updated, change.Revision, RedisDocuments.Changed(change)));
        await ApplyAsync(db, publication).ConfigureAwait(false);
    }

    private async Task WriteWholeAsync(IDatabase db, Snapshot state, bool withMessage, string reason)
    {
        var namespaces = _documents.Resolve(state);
        var at = engine.Now;
        var publication = new RedisPublication(state.Revision, RedisPublicationRule.AboveOrSame,
            _documents.Snapshot(state.Revision, at, namespaces), PerNamespace(state.Revision, at, namespaces),
            withMessage ? _documents.Message(ChangeEvent.Reloaded, state.Revision, RedisDocuments.Every(namespaces)) : null);
        if (await ApplyAsync(db, publication).ConfigureAwait(false)) RedisBridgeLog.Refreshed(log, state.Revision, _endpoints, reason);
    }

    private async Task<bool> ApplyAsync(IDatabase db, RedisPublication publication)
    {
        if (await publication.ApplyAsync(db, options).ConfigureAwait(false) is { } refusedBy)
        {
            // Another publisher (a previous lease holder) got there first: nothing to do, nothing moves backwards.
            RedisBridgeLog.AlreadyPublished(log, publication.Revision, refusedBy);
            return false;
        }
        Interlocked.Exchange(ref _lastPublished, publication.Revision);
        status.MarkPublished(publication.Revision);
        return true;
    }

    private List<(string Key, byte[] Document)> PerNamespace(long revision, long at, IEnumerable<(string Namespace, List<Resolution.ResolvedSetting> Settings)> namespaces)
    {
        if (!options.PerNamespace) return [];
        var documents = new List<(string, byte[])>();
        foreach (var (ns, settings) in namespaces)
        {
            var key = $"{options.SnapshotKey}:{ns}";
            if (key == options.VersionKey)
            {
                if (!_clashLogged) RedisBridgeLog.NamespaceKeyClash(log, ns, key);
                _clashLogged = true;
                continue;
            }
            documents.Add((key, _documents.Snapshot(revision, at, [(ns, settings)])));
        }
        return documents;
    }
}
