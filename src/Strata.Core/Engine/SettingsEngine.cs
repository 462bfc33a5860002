using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata.Access;
using Strata.Audit;
using Strata.Naming;
using Strata.Registry;
using Strata.Resolution;
using Strata.Security;
using Strata.Storage;
using Strata.Validation;

namespace Strata.Engine;

/// <summary>
/// Reads from the in-memory snapshot, validates writes and hands them to the single commit loop, and answers
/// history and point-in-time questions from the store.
/// </summary>
internal sealed class SettingsEngine : IAsyncDisposable
{
    private readonly SnapshotHolder _snapshots = new(Snapshot.From([], 0));
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string? _adminToken;
    private readonly string? _signingKey;
    private CommitPipeline? _pipeline;
    private int _disposed;

    public SettingsEngine(IOptions<StrataOptions> options, ISettingsLog log, IAuditStore auditLog, DefinitionRegistry registry, Resolver resolver, SecretKeeper secrets,
        TokenService tokens, ChangeFeed feed, HistoryFeed history, SigningKey signing, DeniedRequestLog denials, StrataEnvironment environment,
        TimeProvider time, ILogger<SettingsEngine> logger)
    {
        History = history;
        Signing = signing;
        _signingKey = environment[SigningKey.Variable];
        Options = options.Value;
        Log = log;
        AuditLog = auditLog;
        Registry = registry;
        Resolver = resolver;
        Secrets = secrets;
        Tokens = tokens;
        Feed = feed;
        Denials = denials;
        _adminToken = environment[TokenService.AdminTokenVariable];
        _time = time;
        _logger = logger;
        foreach (var setting in Registry.All)
            setting.StaticResolution = Resolver.Resolve(setting.Namespace, setting.Key, null, ScopeChain.GlobalOnly, explain: false);
    }

    public StrataOptions Options { get; }
    public ISettingsLog Log { get; }
    public IAuditStore AuditLog { get; }
    public DefinitionRegistry Registry { get; }
    public Resolver Resolver { get; }
    public ChangeFeed Feed { get; }

    /// <summary>The feed of past revisions, rebuilt from the store.</summary>
    public HistoryFeed History { get; }

    public SigningKey Signing { get; }
    public SecretKeeper Secrets { get; }
    public TokenService Tokens { get; }
    public DeniedRequestLog Denials { get; }
    public Snapshot Current => _snapshots.Current;

    public async Task StartAsync(CancellationToken ct = default)
    {
        await Log.MigrateAsync(ct).ConfigureAwait(false);
        // Other writers go through the commit loop once it runs; before, nothing else writes, so they run directly.
        await Tokens.InitializeAsync(Options.DataDirectory, _adminToken, Exclusive, ct).ConfigureAwait(false);
        await Secrets.InitializeAsync(Exclusive, ct).ConfigureAwait(false);
        Signing.Initialize(_signingKey, Options.DataDirectory);
        var contents = await Log.LoadAsync(ct).ConfigureAwait(false);
        _snapshots.Current = Load(contents);
        Feed.Start(contents.Revision, TimeSpan.FromSeconds(Math.Max(1, Options.Watch.HeartbeatSeconds)), _time);
        _pipeline = new CommitPipeline(Log, _snapshots, Feed, _time, _logger, Secrets.Seal, Secrets.OpenFollowed, Load, Registry.IsSensitive);
        if (Secrets.StartupEvents.Count > 0) await _pipeline.AuditAsync(Secrets.StartupEvents).ConfigureAwait(false);
        Denials.Start();
    }

    /// <summary>Resolves one key. The global-only chain without explain is served from caches: no allocation.</summary>
    public ResolvedSetting? Get(Snapshot snapshot, string ns, string key, ScopeChain chain, bool explain = false)
    {
        var state = snapshot.Find(ns, key);
        if (chain.IsGlobalOnly && !explain)
        {
            if (state is not null) return state.GlobalResolution(Resolver);
            return Registry.Find(ns, key)?.StaticResolution;
        }
        return Resolver.Resolve(ns, key, state, chain, explain);
    }

    public ResolvedSetting? Get(string ns, string key) => Get(Current, ns, key, ScopeChain.GlobalOnly);

    /// <summary>Every key of a namespace that resolves to a value, ordered by key.</summary>
    public List<ResolvedSetting> GetNamespace(Snapshot snapshot, string ns, ScopeChain chain, bool explain = false)
    {
        var keys = new SortedSet<string>(Names.Comparer);
        if (Registry.FindNamespace(ns) is { } defined) keys.UnionWith(defined.Settings.Keys);
        if (snapshot.Namespace(ns) is { } index)
            foreach (var state in index.All) keys.Add(state.Key);
        var list = new List<ResolvedSetting>(keys.Count);
        foreach (var key in keys)
            if (Get(snapshot, ns, key, chain, explain) is { } resolved) list.Add(resolved);
        return list;
    }

    /// <summary>True when the namespace is defined or has at least one stored value.</summary>
    public bool NamespaceExists(Snapshot snapshot, string ns) =>
        Registry.FindNamespace(ns) is not null || snapshot.Namespace(ns)?.All.Any(s => s.HasLiveValue) == true;

    public IEnumerable<string> NamespaceNames(Snapshot snapshot)
    {
        var names = new SortedSet<string>(Names.Comparer);
        foreach (var ns in Registry.Namespaces) names.Add(ns.Name);
        foreach (var ns in snapshot.NamespaceNames)
            if (snapshot.Namespace(ns)!.All.Any(s => s.HasLiveValue)) names.Add(ns);
        return names;
    }

    /// <summary>Validates every change, then commits them as one revision. Throws <see cref="SettingsValidationException"/>.</summary>
    public Task<CommitResult> CommitAsync(ChangeSet set)
    {
        var errors = Check(set, out var changes);
        if (errors.Count > 0) throw new SettingsValidationException(errors);
        return Pipeline.SubmitAsync(set with { Changes = changes });
    }

    /// <summary>
    /// What <see cref="CommitAsync"/> would refuse <paramref name="set"/> for, without committing it: for previews.
    /// Versions are not checked; the commit checks them against the state it commits on.
    /// </summary>
    public IReadOnlyList<ValidationError> Validate(ChangeSet set) => Check(set, out _);

    private List<ValidationError> Check(ChangeSet set, out List<Change> changes)
    {
        var errors = new List<ValidationError>();
        changes = new List<Change>(set.Changes.Count);
        // Most sets hold one change: no duplicate to look for.
        var seen = set.Changes.Count > 1 ? new HashSet<(string, string, string)>(NameTuples.Triple) : null;
        foreach (var change in set.Changes)
        {
            if (Normalize(change, errors) is not { } normalized) continue;
            if (seen?.Add((normalized.Namespace, normalized.Key, normalized.Scope)) == false)
                errors.Add(new($"{normalized.Namespace}/{normalized.Key}", "duplicate", $"'{normalized.Namespace}/{normalized.Key}' is changed twice at scope {normalized.Scope} in one request."));
            changes.Add(normalized);
        }
        if (set.Changes.Count == 0) errors.Add(new("changes", "required", "At least one change is required."));
        if (set.Comment?.Length > ChangeSetLimits.MaxCommentLength)
            errors.Add(new("comment", "maxLength", $"The comment is {set.Comment.Length} characters long; the limit is {ChangeSetLimits.MaxCommentLength}."));
        if (set.Changes.Count > ChangeSetLimits.MaxChanges)
            errors.Add(new("changes", "maxItems", $"At most {ChangeSetLimits.MaxChanges} changes can be committed together."));
        return errors;
    }

    public Task<CommitResult> ReloadAsync(string actor) => Pipeline.ReloadAsync(actor);

    /// <summary>Reads and applies other instances' commits on a shared store, soon, without waiting (signals coalesce).</summary>
    public void RequestFollow() => _pipeline?.RequestFollow();

    /// <summary>Reads and applies other instances' commits on a shared store; completes once they are in the snapshot.</summary>
    public Task FollowAsync() => Pipeline.FollowAsync();

    /// <summary>Appends audit events durably (group-committed with other writes).</summary>
    public Task AuditAsync(params AuditRecord[] events) => Pipeline.AuditAsync(events);

    public long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Deletes audit events older than <paramref name="before"/>. The prune is itself audited first, durably, with
    /// what it will delete: the record of a prune is never among what it deletes. Returns how many were deleted.
    /// </summary>
    public async Task<long> PruneAuditAsync(long before, Func<long, long, AuditRecord> describe, CancellationToken ct = default)
    {
        var (through, count) = await AuditLog.AuditBeforeAsync(before, ct).ConfigureAwait(false);
        await AuditAsync(describe(through, count)).ConfigureAwait(false);
        if (count == 0) return 0;
        return await Exclusive(() => AuditLog.DeleteAuditThroughAsync(through, ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// The state of the store as of a past revision, as a snapshot that the read methods accept. A secret that cannot
    /// be decrypted is marked (<see cref="StoredValue.Unreadable"/>) rather than failing the whole read.
    /// </summary>
    public async Task<Snapshot> SnapshotAtAsync(string? ns, long revision, CancellationToken ct = default)
    {
        if (revision >= Current.Revision) return Current;
        var entries = await Log.StateAtAsync(ns, revision, ct).ConfigureAwait(false);
        return Snapshot.From(entries.Select(Secrets.TryOpen), revision);
    }

    /// <summary>History with secrets decrypted (callers mask them for output); a record that cannot be is marked <see cref="ChangeRecord.Unreadable"/>.</summary>
    public async Task<IReadOnlyList<ChangeRecord>> HistoryAsync(HistoryQuery query, CancellationToken ct = default) =>
        (await Log.HistoryAsync(query, ct).ConfigureAwait(false)).Select(Secrets.TryOpen).ToList();

    /// <summary>
    /// Stops in order: refusal summaries and token times are written through the commit loop before it drains, then
    /// the store closes. Once only: the host stops the engine, and the container that built it disposes it again.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_pipeline is not null) await Denials.DisposeAsync().ConfigureAwait(false);
        await Secrets.DisposeAsync().ConfigureAwait(false);
        await Tokens.DisposeAsync().ConfigureAwait(false);
        if (_pipeline is not null) await _pipeline.DisposeAsync().ConfigureAwait(false);
        Feed.Dispose();
        Signing.Dispose();
        await Log.DisposeAsync().ConfigureAwait(false);
    }

    private Snapshot Load(StoreContents contents) => Snapshot.From(contents.Entries.Select(Secrets.Open), contents.Revision);

    private Task<long> Exclusive(Func<Task<long>> work) => _pipeline?.ExclusiveAsync(work) ?? work();

    /// <summary>Runs a store write that is not a commit (users, sessions) where it cannot contend with the commit loop.</summary>
    public Task<long> ExclusiveAsync(Func<Task<long>> work) => Exclusive(work);

    private CommitPipeline Pipeline => _pipeline ?? throw new InvalidOperationException("Strata has not started.");

    private Change? Normalize(Change change, List<ValidationError> errors)
    {
        // Named only in errors and validation: most writes never build it.
        string Field() => $"{change.Namespace}/{change.Key}";
        var nameError = Names.Check(change.Namespace, "Namespace") ?? Names.Check(change.Key, "Key");
        if (nameError is not null)
        {
            errors.Add(new(Field(), "name", nameError));
            return null;
        }
        var scope = Scope.TryNormalize(change.Scope, out var scopeError);
        if (scope is null)
        {
            errors.Add(new("scope", "scope", scopeError!));
            return null;
        }

        var definition = Registry.Find(change.Namespace, change.Key);
        if (definition is null && Registry.IsStrict(change.Namespace))
        {
            errors.Add(new(Field(), "unknownKey", $"'{change.Key}' is not defined in strict namespace '{change.Namespace}'."));
            return null;
        }
        if (definition is not null && !definition.AllowsScope(scope))
        {
            errors.Add(new("scope", "scope", $"'{Field()}' cannot be set for scope '{scope}'; allowed scope kinds: {string.Join(", ", definition.Definition.Scopes)}."));
            return null;
        }
        string? json = null;
        if (change.Value is { } raw)
        {
            if (definition is not null) ValueValidator.Validate(definition, raw, Field(), errors);
            // Compact, canonical JSON: what is stored and served, made here on the caller's thread, not in the commit loop.
            json = JsonSerializer.Serialize(raw);
        }
        return change with
        {
            Namespace = definition?.Namespace ?? change.Namespace,
            Key = definition?.Key ?? change.Key,
            Scope = scope,
            Json = json,
        };
    }
}
