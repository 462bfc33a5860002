using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata.Engine;
using Strata.Cluster;
using Strata.Storage;

namespace Strata.Access;

/// <summary>
/// Signed-in sessions: written to the store when opened and revoked (so they survive a restart), checked in memory on
/// every request. Idle and absolute expiry are enforced here, on the server, whatever the cookie says; last-seen
/// times are written back in batches. A session's principal is rebuilt from the current user or token record, so
/// a changed grant, a removed user or a revoked token applies on the next request.
/// </summary>
internal sealed partial class SessionService : IAsyncDisposable
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(30);
    // Ended sessions are kept this long for the record, then deleted at the next start.
    private static readonly TimeSpan KeepEnded = TimeSpan.FromDays(30);

    private readonly ConcurrentDictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly ISessionStore _store;
    private readonly SettingsEngine _engine;
    private readonly UserService _users;
    private readonly TokenService _tokens;
    private readonly IClusterSignals _signals;
    private readonly StrataUiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _flusher = Task.CompletedTask;

    public SessionService(ISessionStore store, SettingsEngine engine, UserService users, TokenService tokens, IClusterSignals signals,
        IOptions<StrataOptions> options, TimeProvider time, ILogger<SessionService> logger)
    {
        _signals = signals;
        _store = store;
        _engine = engine;
        _users = users;
        _tokens = tokens;
        _options = options.Value.Ui;
        _time = time;
        _logger = logger;
        if (_options.SessionIdleTimeout <= TimeSpan.Zero || _options.SessionLifetime <= TimeSpan.Zero)
            throw new DefinitionException("Strata:Ui:SessionIdleTimeout and Strata:Ui:SessionLifetime must be positive durations such as 00:30:00.");
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task InitializeAsync(CancellationToken ct)
    {
        await _engine.ExclusiveAsync(() => _store.DeleteSessionsEndedBeforeAsync(Now - (long)KeepEnded.TotalMilliseconds, ct)).ConfigureAwait(false);
        foreach (var session in await _store.SessionsAsync(Now, ct).ConfigureAwait(false)) _sessions[session.Id] = new Entry(session);
        _flusher = PeriodicFlush.Start(FlushInterval, _time, FlushAsync, _stopping.Token);
    }

    /// <summary>Opens a session for a user, or for the API token it was signed in with.</summary>
    public async Task<SessionRecord> CreateAsync(string? userId, string? tokenId, string? client, string? userAgent, CancellationToken ct)
    {
        var now = Now;
        var session = new SessionRecord("s" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), userId, tokenId, now, now,
            (long)_options.SessionIdleTimeout.TotalMilliseconds, now + (long)_options.SessionLifetime.TotalMilliseconds,
            client, userAgent is { Length: > 200 } ua ? ua[..200] : userAgent);
        await SaveAsync(session, ct).ConfigureAwait(false);
        _sessions[session.Id] = new Entry(session);
        // The other instances list (and revoke) only sessions they hold: a session opened here and used nowhere else
        // would otherwise be out of their admins' reach.
        await _signals.SignalAsync(ClusterTopic.Sessions, ct).ConfigureAwait(false);
        return session;
    }

    /// <summary>The session with this id while it is active, marked as used now; null once it has ended.</summary>
    public SessionRecord? Use(string id)
    {
        if (!_sessions.TryGetValue(id, out var entry)) return null;
        var now = Now;
        var current = entry.Current;
        if (!current.IsActiveAt(now)) return null;
        entry.LastSeen = Math.Max(entry.LastSeen, now);
        return entry.Current;
    }

    /// <summary>
    /// Like <see cref="Use"/>, but asks the store about a session this instance does not know (opened by another
    /// instance on a shared store) or that looks idle here (its other requests may have gone to another instance).
    /// </summary>
    public async Task<SessionRecord?> UseAsync(string id, CancellationToken ct = default)
    {
        if (Use(id) is { } session) return session;
        if (_sessions.TryGetValue(id, out var known) && (known.Record.RevokedAt is not null || known.Record.ExpiresAt <= Now)) return null;
        SessionRecord? stored;
        try
        {
            stored = await _store.SessionAsync(id, ct).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            // The store is down: sessions this instance knows go on; one it does not know cannot be checked.
            LogLookupFailed(_logger, e);
            return null;
        }
        if (stored is null) return null;
        await MergeAsync(_sessions.GetOrAdd(id, _ => new Entry(stored)), stored).ConfigureAwait(false);
        return Use(id);
    }

    /// <summary>Takes in what another instance did to the sessions: later last-seen times, revocations, sessions ended there.</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        var active = (await _store.SessionsAsync(Now, ct).ConfigureAwait(false)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var (id, stored) in active) await MergeAsync(_sessions.GetOrAdd(id, _ => new Entry(stored)), stored).ConfigureAwait(false);
        foreach (var (id, entry) in _sessions)
        {
            if (active.ContainsKey(id) || !entry.Current.IsActiveAt(Now)) continue;
            if (await _store.SessionAsync(id, ct).ConfigureAwait(false) is { } stored) await MergeAsync(entry, stored).ConfigureAwait(false);
            else if (_sessions.TryRemove(id, out _)) await entry.EndAsync().ConfigureAwait(false);
        }
    }

    private static async Task MergeAsync(Entry entry, SessionRecord stored)
    {
        if (stored.LastSeenAt > entry.Record.LastSeenAt) entry.Record = entry.Record with { LastSeenAt = stored.LastSeenAt };
        entry.LastSeen = Math.Max(entry.LastSeen, stored.LastSeenAt);
        if (stored.RevokedAt is { } revoked && entry.Record.RevokedAt is null)
        {
            entry.Record = entry.Record with { RevokedAt = revoked };
            await entry.EndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The principal of an active session, from the current record of its user or token; null (and the session ended)
    /// when the user was removed or the token revoked or expired.
    /// </summary>
    public async Task<StrataPrincipal?> PrincipalAsync(string id, CancellationToken ct)
    {
        if (await UseAsync(id, ct).ConfigureAwait(false) is not { } session || !_sessions.TryGetValue(id, out var entry)) return null;
        var basis = Basis(session);
        if (basis is null)
        {
            // A user or token another instance just created may not be loaded here yet: look once more before ending it.
            if (session.UserId is not null) await _users.ReloadAsync(ct).ConfigureAwait(false);
            else await _tokens.ReloadAsync(ct).ConfigureAwait(false);
            basis = Basis(session);
        }
        if (basis is null)
        {
            await RevokeAsync(id, ct).ConfigureAwait(false);
            return null;
        }
        var known = entry.Principal;
        if (known is not null && ReferenceEquals(known.Basis, basis)) return known.Principal;
        var principal = basis switch
        {
            UserRecord user => new StrataPrincipal(user.Name, null, TokenService.ParseGrants(user.Grants, $"user {user.Id}"), user.Id, id),
            StrataPrincipal token => new StrataPrincipal(token.Name, token.TokenId, token.Grants, null, id),
            _ => throw new InvalidOperationException("A session belongs to a user or a token."),
        };
        entry.Principal = new BuiltPrincipal(basis, principal);
        return principal;
    }

    /// <summary>Active sessions, oldest first, with their last-seen times.</summary>
    public IReadOnlyList<SessionRecord> List()
    {
        var now = Now;
        return _sessions.Values.Select(e => e.Current).Where(s => s.IsActiveAt(now)).OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    private object? Basis(SessionRecord session) =>
        session.UserId is { } userId ? _users.FindById(userId) : session.TokenId is { } tokenId ? _tokens.ValidPrincipal(tokenId) : null;

    public SessionRecord? Find(string id) => _sessions.TryGetValue(id, out var entry) && entry.Current.IsActiveAt(Now) ? entry.Current : null;

    /// <summary>Ends a session server-side; false when there is no active one. Its open streams end too.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken ct)
    {
        if (!_sessions.TryGetValue(id, out var entry) || !entry.Current.IsActiveAt(Now)) return false;
        var revoked = entry.Current with { RevokedAt = Now };
        await SaveAsync(revoked, ct).ConfigureAwait(false);
        entry.Record = revoked;
        await entry.EndAsync().ConfigureAwait(false);
        await _signals.SignalAsync(ClusterTopic.Sessions, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Forgets the sessions of a removed user (the store deleted them with the user).</summary>
    public async Task ForgetUserAsync(string userId)
    {
        foreach (var (id, entry) in _sessions)
            if (entry.Record.UserId == userId && _sessions.TryRemove(id, out _)) await entry.EndAsync().ConfigureAwait(false);
    }

    /// <summary>Cancelled when the session is revoked or its user removed: streams opened with it end then.</summary>
    public CancellationToken Ended(string id) =>
        _sessions.TryGetValue(id, out var entry) && entry.Current.IsActiveAt(Now) ? entry.Ending : new CancellationToken(canceled: true);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _flusher.ConfigureAwait(false);
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private Task SaveAsync(SessionRecord session, CancellationToken ct) => _engine.ExclusiveAsync(async () =>
    {
        await _store.SaveSessionsAsync([session], ct).ConfigureAwait(false);
        return 1;
    });

    private async Task FlushAsync(CancellationToken ct)
    {
        var updates = _sessions.Values.Where(e => e.LastSeen > e.Record.LastSeenAt).Select(e => e.Current).ToList();
        if (updates.Count == 0) return;
        try
        {
            await _engine.ExclusiveAsync(async () =>
            {
                await _store.SaveSessionsAsync(updates, ct).ConfigureAwait(false);
                return updates.Count;
            }).ConfigureAwait(false);
            foreach (var update in updates)
                if (_sessions.TryGetValue(update.Id, out var entry) && entry.Record.LastSeenAt < update.LastSeenAt)
                    entry.Record = entry.Record with { LastSeenAt = update.LastSeenAt };
        }
        catch (StoreUnavailableException e)
        {
            LogFlushFailed(_logger, e);
        }
    }

    private sealed record BuiltPrincipal(object Basis, StrataPrincipal Principal);

    private sealed class Entry(SessionRecord record)
    {
        private readonly CancellationTokenSource _ending = new();
        public SessionRecord Record = record;
        public long LastSeen = record.LastSeenAt;
        public BuiltPrincipal? Principal;

        public SessionRecord Current => LastSeen > Record.LastSeenAt ? Record with { LastSeenAt = LastSeen } : Record;
        public CancellationToken Ending => _ending.Token;
        public Task EndAsync() => _ending.CancelAsync();
    }

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Could not look a session up in the store; it is treated as signed out")]
    private static partial void LogLookupFailed(ILogger logger, Exception e);

    [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "Could not save session last-seen times; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception e);
}
