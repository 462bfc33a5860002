using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Strata.Cluster;
using Strata.Storage;

namespace Strata.Access;

/// <summary>
/// API tokens: 256 random bits, shown once, kept only as a SHA-256 hash, checked in constant time against an
/// in-memory copy (no database read per request). Last-used times are written back in batches. On first start with
/// no token, an admin token is taken from <c>STRATA_ADMIN_TOKEN</c> or generated into <c>admin.token</c> (mode 0600).
/// </summary>
internal sealed partial class TokenService : IAsyncDisposable
{
    public const string AdminTokenVariable = "STRATA_ADMIN_TOKEN";
    public const string BootstrapFileName = "admin.token";
    private const string Prefix = "strata_";
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(30);

    // By hex SHA-256 of the secret; each entry's principal is built once, not per request.
    private readonly ConcurrentDictionary<string, (TokenRecord Record, StrataPrincipal Principal)> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastUsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _endings = new(StringComparer.Ordinal);
    private readonly Lock _endingsGate = new();
    private Func<Func<Task<long>>, Task<long>> _exclusive = work => work();
    private readonly ITokenStore _store;
    private readonly IClusterSignals _signals;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _flusher = Task.CompletedTask;

    public TokenService(ITokenStore store, IReadOnlyList<string> anonymousGrants, IClusterSignals signals, TimeProvider time, ILogger logger)
    {
        _store = store;
        _signals = signals;
        _time = time;
        _logger = logger;
        Anonymous = new StrataPrincipal(StrataPrincipal.AnonymousName, null, ParseGrants(anonymousGrants, "Strata:AnonymousGrants"));
    }

    /// <summary>Requests without a token act as this principal; it has no grants unless an operator configured some.</summary>
    public StrataPrincipal Anonymous { get; }

    /// <summary>Where the generated bootstrap admin token was written, when it was generated this start.</summary>
    public string? BootstrapTokenFile { get; private set; }

    // exclusive: runs a store write where it cannot contend with the commit loop for SQLite's write lock (a writer
    // that finds it taken backs off for up to 100 ms at a time: 155 ms stalls were measured under write load).
    public async Task InitializeAsync(string dataDirectory, string? adminToken, Func<Func<Task<long>>, Task<long>> exclusive, CancellationToken ct)
    {
        _exclusive = exclusive;
        var tokens = await _store.TokensAsync(ct).ConfigureAwait(false);
        foreach (var token in tokens) Keep(token);
        if (tokens.Count == 0) await BootstrapAsync(dataDirectory, adminToken, ct).ConfigureAwait(false);
        _flusher = PeriodicFlush.Start(FlushInterval, _time, FlushAsync, _stopping.Token);
    }

    /// <summary>
    /// The principal for an <c>Authorization</c> header value, or the reason it is refused. On the path of every
    /// request: hashing and lookup use stack buffers, and the principal is the one built when the token was loaded.
    /// </summary>
    public (StrataPrincipal? Principal, string? Failure) Authenticate(ReadOnlySpan<char> authorization)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return (null, "Use 'Authorization: Bearer <token>'.");
        return AuthenticateSecret(authorization[7..].Trim());
    }

    /// <summary>The principal for a token's secret (sign-in with a token), or the reason it is refused.</summary>
    public (StrataPrincipal? Principal, string? Failure) AuthenticateSecret(ReadOnlySpan<char> secret)
    {
        Span<char> presented = stackalloc char[64];
        if (!TryHash(secret, presented)
            || !_byHash.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(presented, out var entry)
            || !CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(presented), MemoryMarshal.AsBytes(entry.Record.SecretHash.AsSpan())))
            return (null, "The token is not valid.");
        var token = entry.Record;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (token.RevokedAt is not null) return (null, "The token was revoked.");
        if (token.ExpiresAt <= now) return (null, "The token has expired.");
        _lastUsed[token.Id] = now;
        return (entry.Principal, null);
    }

    public IReadOnlyList<TokenRecord> List() =>
        _byHash.Values.Select(e => e.Record).Select(t => _lastUsed.TryGetValue(t.Id, out var used) ? t with { LastUsedAt = used } : t)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToList();

    /// <summary>Creates a token; the returned secret is the only time it is ever seen.</summary>
    public async Task<(TokenRecord Record, string Secret)> CreateAsync(string name, IReadOnlyList<Grant> grants, long? expiresAt, CancellationToken ct)
    {
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return ((await AddAsync(name, secret, grants, expiresAt, ct).ConfigureAwait(false))!, secret);
    }

    /// <summary>Revokes a token; false when there is no such token. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken ct)
    {
        var token = Find(id);
        if (token is null) return false;
        var revoked = token with { RevokedAt = token.RevokedAt ?? _time.GetUtcNow().ToUnixTimeMilliseconds() };
        await SaveAsync([revoked], ct).ConfigureAwait(false);
        await _signals.SignalAsync(ClusterTopic.Tokens, ct).ConfigureAwait(false);
        CancellationTokenSource? ending;
        lock (_endingsGate)
        {
            Keep(revoked);
            _endings.TryRemove(id, out ending);
        }
        if (ending is not null) await ending.CancelAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Cancelled when the token is revoked or expires: streams opened with it end then, not at their next request.
    /// Already cancelled for a token that is not valid now.
    /// </summary>
    public CancellationToken Ended(string tokenId)
    {
        // Under the lock revocation takes too: a revocation between the check and the registration cannot be missed.
        lock (_endingsGate)
        {
            var token = Find(tokenId);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now) return new CancellationToken(canceled: true);
            return _endings.GetOrAdd(tokenId, static (_, a) =>
            {
                // Timers reach about 49 days; a later expiry is noticed by the caller's own periodic check (IsValid).
                var left = a.Token.ExpiresAt - a.Now;
                return left < uint.MaxValue - 1
                    ? new CancellationTokenSource(TimeSpan.FromMilliseconds(left!.Value), a.Time)
                    : new CancellationTokenSource();
            }, (Token: token, Now: now, Time: _time)).Token;
        }
    }

    /// <summary>The principal of the token with this id while it may be used; null once it is revoked or expired.</summary>
    public StrataPrincipal? ValidPrincipal(string tokenId)
    {
        foreach (var entry in _byHash.Values)
            if (entry.Record.Id == tokenId)
                return entry.Record is { RevokedAt: null } r && !(r.ExpiresAt <= _time.GetUtcNow().ToUnixTimeMilliseconds()) ? entry.Principal : null;
        return null;
    }

    /// <summary>Whether the token with this id may still be used.</summary>
    public bool IsValid(string tokenId)
    {
        var token = Find(tokenId);
        return token is { RevokedAt: null } && !(token.ExpiresAt <= _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    public static IReadOnlyList<Grant> ParseGrants(IEnumerable<string> texts, string origin)
    {
        var grants = new List<Grant>();
        foreach (var text in texts)
            grants.Add(Grant.TryParse(text, out var error) ?? throw new DefinitionException($"{origin}: {error}"));
        return grants;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _flusher.ConfigureAwait(false);
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task BootstrapAsync(string dataDirectory, string? adminToken, CancellationToken ct)
    {
        if (adminToken is not null)
        {
            if (adminToken.Trim().Length < 32)
                throw new DefinitionException($"{AdminTokenVariable} must be at least 32 characters; generate one with `openssl rand -base64 32`.");
            // Instances starting together on a shared store each try: the first one adds it, the others load it.
            if (await AddAsync("admin", adminToken.Trim(), [new Grant(Permission.Admin, "*")], null, ct, first: true).ConfigureAwait(false) is null)
                await ReloadAsync(ct).ConfigureAwait(false);
            return;
        }
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var file = Path.Combine(Path.GetFullPath(dataDirectory), BootstrapFileName);
        // The file first, then the row; a failure at either step leaves neither, so the next start bootstraps again
        // (the other order could commit an admin token whose secret nobody holds).
        await WriteTokenFileAsync(file, secret, ct).ConfigureAwait(false);
        TokenRecord? added;
        try
        {
            added = await AddAsync("admin", secret, [new Grant(Permission.Admin, "*")], null, ct, first: true).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(file);
            throw;
        }
        if (added is null)
        {
            // Another instance on the shared store bootstrapped first: its token is the admin's, this secret opens nothing.
            File.Delete(file);
            await ReloadAsync(ct).ConfigureAwait(false);
            return;
        }
        BootstrapTokenFile = file;
    }

    /// <summary>Logs where the generated admin token went, once start-up has succeeded (a failed start keeps no token).</summary>
    public void ReportBootstrap()
    {
        if (BootstrapTokenFile is { } file) LogBootstrapped(_logger, file);
    }

    // CreateNew is O_CREAT|O_EXCL: it neither truncates an existing file nor follows a symbolic link, even a dangling one.
    private static async Task WriteTokenFileAsync(string file, string secret, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream stream;
        try
        {
            stream = new FileStream(file, options);
        }
        catch (IOException e) when (new FileInfo(file).LinkTarget is { } target)
        {
            throw new DataFolderException($"{file} is a symbolic link (to {target}); the admin token is only written to a new file, and the link was left alone. Remove the link and start again, or set {AdminTokenVariable}.", e);
        }
        catch (IOException e) when (Path.Exists(file))
        {
            throw new DataFolderException($"{file} already exists, but the database holds no token: it is from another database and opens nothing here. Remove it and start again (a new admin token is written there), or set {AdminTokenVariable}.", e);
        }
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                var bytes = Encoding.UTF8.GetBytes(secret + "\n");
                await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }

    /// <summary>
    /// Takes in tokens another instance on a shared store created or revoked; a revocation there ends this instance's
    /// streams opened with the token too.
    /// </summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        foreach (var token in await _store.TokensAsync(ct).ConfigureAwait(false))
        {
            CancellationTokenSource? ending = null;
            lock (_endingsGate)
            {
                Keep(token);
                if (token.RevokedAt is not null) _endings.TryRemove(token.Id, out ending);
            }
            if (ending is not null) await ending.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Adds a token and tells the other instances; with <paramref name="first"/>, only into a store without any (null when it had one).</summary>
    private async Task<TokenRecord?> AddAsync(string name, string secret, IReadOnlyList<Grant> grants, long? expiresAt, CancellationToken ct,
        bool first = false)
    {
        Span<char> hash = stackalloc char[64];
        if (!TryHash(secret, hash)) throw new ArgumentException("A token may be at most 512 characters.", nameof(secret));
        var record = new TokenRecord("t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), name, new string(hash),
            grants.Select(g => g.ToString()).ToList(), _time.GetUtcNow().ToUnixTimeMilliseconds(), expiresAt);
        if (first)
        {
            if (await _exclusive(async () => await _store.AddFirstTokenAsync(record, ct).ConfigureAwait(false) ? 1 : 0).ConfigureAwait(false) == 0)
                return null;
        }
        else await SaveAsync([record], ct).ConfigureAwait(false);
        Keep(record);
        await _signals.SignalAsync(ClusterTopic.Tokens, ct).ConfigureAwait(false);
        return record;
    }

    private Task SaveAsync(IReadOnlyList<TokenRecord> tokens, CancellationToken ct) => _exclusive(async () =>
    {
        await _store.SaveTokensAsync(tokens, ct).ConfigureAwait(false);
        return tokens.Count;
    });

    private async Task FlushAsync(CancellationToken ct)
    {
        var updates = _byHash.Values.Select(e => e.Record).Where(t => _lastUsed.TryGetValue(t.Id, out var used) && used != t.LastUsedAt)
            .Select(t => t with { LastUsedAt = _lastUsed[t.Id] }).ToList();
        if (updates.Count == 0) return;
        try
        {
            await SaveAsync(updates, ct).ConfigureAwait(false);
            foreach (var t in updates) Keep(t);
        }
        catch (StoreUnavailableException e)
        {
            LogFlushFailed(_logger, e);
        }
    }

    // Tokens are few and looked up by id only to manage them and on a stream's heartbeat: a scan, no second index.
    private TokenRecord? Find(string id) => _byHash.Values.Select(e => e.Record).FirstOrDefault(t => t.Id == id);

    private void Keep(TokenRecord token) =>
        _byHash[token.SecretHash] = (token, new StrataPrincipal(token.Name, token.Id, ParseGrants(token.Grants, $"token {token.Id}")));

    // One hash object per thread: the one-shot API sets up and tears down OpenSSL's digest on every request.
    [ThreadStatic] private static IncrementalHash? t_sha256;

    /// <summary>Lower-case hex SHA-256 of the secret into <paramref name="hex"/> (64 chars); false for secrets over 512 characters.</summary>
    private static bool TryHash(ReadOnlySpan<char> secret, Span<char> hex)
    {
        if (secret.Length > 512) return false;
        Span<byte> utf8 = stackalloc byte[512 * 3];
        Span<byte> digest = stackalloc byte[32];
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(utf8[..Encoding.UTF8.GetBytes(secret, utf8)]);
        sha256.GetHashAndReset(digest);
        return Convert.TryToHexStringLower(digest, hex, out _);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "No API token existed: an admin token was generated into {File} (readable only by this user)")]
    private static partial void LogBootstrapped(ILogger logger, string file);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Could not save token last-used times; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception e);
}
