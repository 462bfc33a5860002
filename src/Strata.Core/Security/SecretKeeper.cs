using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Strata.Cluster;
using Strata.Naming;
using Strata.Registry;
using Strata.Storage;

namespace Strata.Security;

/// <summary>
/// Encryption at rest for sensitive settings. Values are sealed with the active data key on their way to the store
/// (current value and history alike) and opened when loaded; memory holds them in clear. Data keys are random,
/// stored only wrapped by the master key. A rotation adds a new active key, re-encrypts everything under the old
/// one in small batches beside the commit loop (reads never wait), and retires the old key once nothing uses it;
/// a rotation interrupted by a restart resumes at start-up.
/// </summary>
internal sealed partial class SecretKeeper : IAsyncDisposable
{
    private readonly IDataKeyStore _keys;
    private readonly ISealedValues _store;
    private readonly DefinitionRegistry _registry;
    private readonly MasterKey? _master;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private readonly IReadOnlyList<string> _declassify;
    private readonly DataKeyRing _ring = new();
    private readonly SemaphoreSlim _rotating = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<AuditRecord> _startupEvents = [];
    private readonly IClusterSignals _signals;
    private readonly TimeSpan _retireSettle;
    private Func<Func<Task<long>>, Task<long>> _exclusive = work => work();

    // declassify: "ns/key" names an operator releases from encryption at this start (Strata:Declassify).
    // retireSettle: how long a re-encrypted key waits before it retires, for other instances on a shared store to
    // hear of the rotation and stop sealing with it (zero for one instance).
    public SecretKeeper(IDataKeyStore keys, ISealedValues store, DefinitionRegistry registry, MasterKey? master, int batchSize, IReadOnlyList<string> declassify,
        IClusterSignals signals, TimeSpan retireSettle, TimeProvider time, ILogger logger)
    {
        _signals = signals;
        _retireSettle = retireSettle;
        _keys = keys;
        _store = store;
        _registry = registry;
        _master = master;
        _batchSize = batchSize;
        _declassify = declassify;
        _time = time;
        _logger = logger;
    }

    public bool Enabled => _master is not null;

    public string? ActiveKeyId => _ring.ActiveId;

    /// <summary>The re-encryption under way (completed when none is).</summary>
    public Task Rotation { get; private set; } = Task.CompletedTask;

    /// <summary>What start-up did to stored secrets (declassified, newly encrypted), for the audit log once it is open.</summary>
    public IReadOnlyList<AuditRecord> StartupEvents => _startupEvents;

    /// <summary>
    /// Checks the master key against the stored data keys and opens them, upgrades envelopes of an older format, and
    /// makes the store agree with the definitions: a setting stored encrypted that the definitions no longer call
    /// sensitive refuses the start unless an operator declassifies it; a setting newly sensitive gets its plaintext
    /// history encrypted. Throws <see cref="DefinitionException"/> naming the settings or key. <paramref name="exclusive"/>
    /// runs a piece of re-encryption on the commit loop, so a rotation never holds the write lock while a commit waits.
    /// </summary>
    public async Task InitializeAsync(Func<Func<Task<long>>, Task<long>> exclusive, CancellationToken ct)
    {
        _exclusive = exclusive;
        var keys = (await _keys.DataKeysAsync(ct).ConfigureAwait(false)).Where(k => k.State != DataKeyRecord.Retired).ToList();
        if (_master is null)
        {
            if (keys.Count > 0)
                throw new DefinitionException($"The store holds secrets encrypted with data key {string.Join(", ", keys.Select(k => k.Id))}, " +
                    $"but no master key is configured: set {MasterKey.Variable} or Strata:MasterKeyFile to the key used before.");
            if (_registry.All.FirstOrDefault(s => s.Sensitive) is { } sensitive)
                throw new DefinitionException($"{sensitive.Namespace}/{sensitive.Key} is sensitive, but no master key is configured to encrypt it: " +
                    $"set {MasterKey.Variable} (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or Strata:MasterKeyFile.");
            if (_declassify.Count > 0)
                throw new DefinitionException($"Strata:Declassify names {_declassify[0]}, but no master key is configured to decrypt it.");
            return;
        }
        foreach (var key in keys)
        {
            var material = DataKeyRing.Unwrap(_master, key.Id, key.Wrapped)
                ?? throw new DefinitionException($"The master key cannot open data key {key.Id}: it is not the master key this store's secrets were encrypted with.");
            _ring.Add(key.Id, material, key.State == DataKeyRecord.Active);
        }
        if (_ring.ActiveId is null) await AddActiveKeyAsync([], ct).ConfigureAwait(false);
        await UpgradeLegacyEnvelopesAsync(ct).ConfigureAwait(false);
        await ReconcileWithDefinitionsAsync(ct).ConfigureAwait(false);
        if ((await _keys.DataKeysAsync(ct).ConfigureAwait(false)).Any(k => k.State == DataKeyRecord.Retiring)) Rotation = Task.Run(ReencryptAsync);
    }

    /// <summary>The record as the store must keep it: values of sensitive settings sealed (the old value is the previous version's).</summary>
    public ChangeRecord Seal(ChangeRecord r) => !_registry.IsSensitive(r.Namespace, r.Key) ? r : r with
    {
        OldValue = r.OldValue is null ? null : _ring.Protect(r.Namespace, r.Key, r.Scope, r.Version - 1, r.OldValue),
        NewValue = r.NewValue is null ? null : _ring.Protect(r.Namespace, r.Key, r.Scope, r.Version, r.NewValue),
    };

    public StoredEntry Open(StoredEntry e) => e.Value is null ? e : e with { Value = _ring.Unprotect(e.Namespace, e.Key, e.Scope, e.Version, e.Value) };

    public ChangeRecord Open(ChangeRecord r) => r with
    {
        OldValue = r.OldValue is null ? null : _ring.Unprotect(r.Namespace, r.Key, r.Scope, r.Version - 1, r.OldValue),
        NewValue = r.NewValue is null ? null : _ring.Unprotect(r.Namespace, r.Key, r.Scope, r.Version, r.NewValue),
    };

    /// <summary>Like <see cref="Open(StoredEntry)"/>, but an entry that cannot be decrypted comes back marked, its value the mask.</summary>
    public StoredEntry TryOpen(StoredEntry e)
    {
        try { return Open(e); }
        catch (SecretException x) { return e with { Value = MaskJson, Unreadable = x.Message }; }
    }

    private static readonly string MaskJson = System.Text.Json.JsonSerializer.Serialize(SensitiveValue.Mask);

    /// <summary>Like <see cref="Open(ChangeRecord)"/>, but a record that cannot be decrypted comes back marked, not thrown: one bad record does not hide the rest.</summary>
    public ChangeRecord TryOpen(ChangeRecord r)
    {
        try { return Open(r); }
        catch (SecretException e) { return r with { Unreadable = e.Message }; }
    }

    /// <summary>
    /// Opens a record another instance on a shared store committed. One sealed with a data key this instance has not
    /// loaded yet (a rotation there just began) reloads the keys first: runs on the commit loop's own thread.
    /// </summary>
    public ChangeRecord OpenFollowed(ChangeRecord r)
    {
        var opened = TryOpen(r);
        if (opened.Unreadable is null || _master is null) return opened;
        ReloadKeysAsync().GetAwaiter().GetResult();
        return TryOpen(r);
    }

    /// <summary>
    /// Takes in what another instance did to the data keys (a rotation there): new keys are opened, the active one
    /// follows the store's, retired ones are dropped. A key the master key cannot open is left out and logged.
    /// </summary>
    public async Task ReloadKeysAsync(CancellationToken ct = default)
    {
        if (_master is null) return;
        foreach (var key in await _keys.DataKeysAsync(ct).ConfigureAwait(false))
        {
            if (key.State == DataKeyRecord.Retired)
            {
                _ring.Remove(key.Id);
                continue;
            }
            if (!_ring.Contains(key.Id))
            {
                if (DataKeyRing.Unwrap(_master, key.Id, key.Wrapped) is not { } material)
                {
                    LogForeignKey(_logger, key.Id);
                    continue;
                }
                _ring.Add(key.Id, material, key.State == DataKeyRecord.Active);
            }
            else if (key.State == DataKeyRecord.Active) _ring.Activate(key.Id);
        }
    }

    [LoggerMessage(EventId = 207, Level = LogLevel.Error, Message = "Data key {KeyId} in the store cannot be opened with this instance's master key; secrets sealed with it stay unreadable here")]
    private static partial void LogForeignKey(ILogger logger, string keyId);

    /// <summary>Adds a new active data key and starts moving every secret onto it. Returns the new key's id.</summary>
    public async Task<string> RotateAsync(CancellationToken ct = default)
    {
        if (_master is null) throw new InvalidOperationException($"Encryption is not configured: set {MasterKey.Variable}.");
        await _rotating.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = (await _keys.DataKeysAsync(ct).ConfigureAwait(false)).Where(k => k.State == DataKeyRecord.Active);
            var id = await AddActiveKeyAsync(current.Select(k => k with { State = DataKeyRecord.Retiring }).ToList(), ct).ConfigureAwait(false);
            LogRotationStarted(_logger, id);
            if (Rotation.IsCompleted) Rotation = Task.Run(ReencryptAsync);
            return id;
        }
        finally
        {
            _rotating.Release();
        }
    }

    /// <summary>Every data key with how many stored values (current and history) it encrypts.</summary>
    public async Task<IReadOnlyList<(DataKeyRecord Key, long Values)>> DescribeAsync(CancellationToken ct = default)
    {
        var list = new List<(DataKeyRecord, long)>();
        foreach (var key in await _keys.DataKeysAsync(ct).ConfigureAwait(false))
            list.Add((key, key.State == DataKeyRecord.Retired ? 0 : await _store.CountEncryptedAsync(DataKeyRing.EnvelopePrefix(key.Id), ct).ConfigureAwait(false)));
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await Rotation.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is SecretException or StoreUnavailableException) { }
    }

    private async Task<string> AddActiveKeyAsync(List<DataKeyRecord> alsoSave, CancellationToken ct)
    {
        var id = DataKeyRing.NewKeyId();
        var material = RandomNumberGenerator.GetBytes(32);
        alsoSave.Add(new DataKeyRecord(id, DataKeyRing.Wrap(_master!, id, material), DataKeyRecord.Active, _time.GetUtcNow().ToUnixTimeMilliseconds()));
        await _keys.SaveDataKeysAsync(alsoSave, ct).ConfigureAwait(false);
        _ring.Add(id, material, active: true);
        await _signals.SignalAsync(ClusterTopic.DataKeys, ct).ConfigureAwait(false);
        return id;
    }

    private async Task ReencryptAsync()
    {
        var ct = _stopping.Token;
        try
        {
            while (true)
            {
                var retiring = (await _keys.DataKeysAsync(ct).ConfigureAwait(false)).Where(k => k.State == DataKeyRecord.Retiring).ToList();
                if (retiring.Count == 0) return;
                foreach (var key in retiring)
                {
                    long moved = 0;
                    while (true)
                    {
                        ct.ThrowIfCancellationRequested();
                        var prefix = DataKeyRing.EnvelopePrefix(key.Id);
                        var n = await _exclusive(async () => await _store.ReencryptAsync(prefix, _ring.Reseal, _batchSize, ct).ConfigureAwait(false))
                            .ConfigureAwait(false);
                        moved += n;
                        if (n > 0) continue;
                        // Counted on the commit loop too: every batch sealed before the switch has committed by then.
                        if (await _exclusive(() => _store.CountEncryptedAsync(prefix, ct)).ConfigureAwait(false) != 0) continue;
                        if (_retireSettle <= TimeSpan.Zero) break;
                        // Another instance may seal with this key until it hears of the rotation: look again after that.
                        await Task.Delay(_retireSettle, _time, ct).ConfigureAwait(false);
                        if (await _exclusive(() => _store.CountEncryptedAsync(prefix, ct)).ConfigureAwait(false) == 0) break;
                    }
                    await RetireAsync(key, ct).ConfigureAwait(false);
                    LogKeyRetired(_logger, key.Id, moved);
                }
            }
        }
        catch (Exception e) when (e is SecretException or StoreUnavailableException)
        {
            LogRotationFailed(_logger, e);
            throw;
        }
    }

    /// <summary>
    /// Re-seals envelopes whose associated data did not bind the version (schema 7 and before), before anything reads
    /// them. The upgrade is a rotation: they move to a new data key and the keys that sealed them are retired, so no
    /// copy of a legacy envelope (say, from an old backup) can ever be opened again.
    /// </summary>
    private async Task UpgradeLegacyEnvelopesAsync(CancellationToken ct)
    {
        if (await _store.CountEncryptedAsync(DataKeyRing.Legacy, ct).ConfigureAwait(false) == 0) return;
        // Every key that may have sealed a legacy envelope retires, the active one too: an old copy of an envelope it
        // sealed (from a backup) must not open either. A damaged envelope does not stop the upgrade (see Reseal).
        var old = (await _keys.DataKeysAsync(ct).ConfigureAwait(false)).Where(k => k.State != DataKeyRecord.Retired).ToList();
        await AddActiveKeyAsync(old.Select(k => k with { State = DataKeyRecord.Retiring }).ToList(), ct).ConfigureAwait(false);
        long upgraded = 0, n;
        while ((n = await _store.ReencryptAsync(DataKeyRing.Legacy, _ring.Reseal, _batchSize, ct).ConfigureAwait(false)) > 0)
            upgraded += n;
        foreach (var key in old)
            if (await _store.CountEncryptedAsync(DataKeyRing.EnvelopePrefix(key.Id), ct).ConfigureAwait(false) == 0)
                await RetireAsync(key, ct).ConfigureAwait(false);
        LogEnvelopesUpgraded(_logger, upgraded);
        if (await _store.CountEncryptedAsync(DataKeyRing.Damaged, ct).ConfigureAwait(false) is var damaged and > 0) LogDamaged(_logger, damaged);
    }

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "{Count} stored record(s) hold a secret that could not be decrypted; their history shows them unreadable")]
    private static partial void LogDamaged(ILogger logger, long count);

    /// <summary>Marks a data key retired and erases its wrapped material: nothing can be opened with it again.</summary>
    private async Task RetireAsync(DataKeyRecord key, CancellationToken ct)
    {
        await _keys.SaveDataKeysAsync([key with { State = DataKeyRecord.Retired, Wrapped = "" }], ct).ConfigureAwait(false);
        _ring.Remove(key.Id);
        await _signals.SignalAsync(ClusterTopic.DataKeys, ct).ConfigureAwait(false);
    }

    private async Task ReconcileWithDefinitionsAsync(CancellationToken ct)
    {
        var declassify = new HashSet<(string, string)>(NameTuples.Pair);
        foreach (var name in _declassify)
        {
            var slash = name.IndexOf('/');
            if (slash <= 0 || Names.Check(name[..slash], "Namespace") is not null || Names.Check(name[(slash + 1)..], "Key") is not null)
                throw new DefinitionException($"Strata:Declassify: '{name}' is not a setting name; write namespace/key.");
            var (ns, key) = (name[..slash], name[(slash + 1)..]);
            if (_registry.IsSensitive(ns, key))
                throw new DefinitionException($"Strata:Declassify names {name}, but the definitions still mark it sensitive: drop one of the two.");
            declassify.Add((ns, key));
        }
        var sealedKeys = await _store.SealedKeysAsync(ct).ConfigureAwait(false);
        var refused = sealedKeys.Where(k => !_registry.IsSensitive(k.Namespace, k.Key) && !declassify.Contains(k)).Select(k => $"{k.Namespace}/{k.Key}").ToList();
        if (refused.Count > 0)
            throw new DefinitionException($"The store holds encrypted values of {string.Join(", ", refused.Order(StringComparer.OrdinalIgnoreCase))}, " +
                "which the definitions do not mark sensitive: a value stored as a secret is served as one until an operator says otherwise. " +
                "Mark them `sensitive: true` again (is the definitions file missing?), or declassify them explicitly with " +
                $"--Strata:Declassify:0={refused[0]} (their values and history are then stored in clear; audited).");

        foreach (var (ns, key) in sealedKeys.Where(k => declassify.Contains(k)))
        {
            var n = await _store.RewriteKeyHistoryAsync(ns, key, _ring.Unprotect, ct: ct).ConfigureAwait(false);
            LogDeclassified(_logger, ns, key, n);
            _startupEvents.Add(StartupEvent("secret.declassify", ns, key, n));
        }
        foreach (var setting in _registry.All.Where(s => s.Sensitive))
        {
            // The log recorded its values while they were plain: masked in the same transaction.
            var n = await _store.RewriteKeyHistoryAsync(setting.Namespace, setting.Key,
                (ns, key, scope, version, text) => DataKeyRing.IsProtected(text) ? text : _ring.Protect(ns, key, scope, version, text),
                maskAudit: true, ct).ConfigureAwait(false);
            if (n == 0) continue;
            LogClassified(_logger, setting.Namespace, setting.Key, n);
            _startupEvents.Add(StartupEvent("secret.classify", setting.Namespace, setting.Key, n));
        }
    }

    private AuditRecord StartupEvent(string action, string ns, string key, int records) =>
        new(0, _time.GetUtcNow().ToUnixTimeMilliseconds(), "strata", action, "ok", ns, key,
            Detail: System.Text.Json.JsonSerializer.Serialize(new { records }));

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Re-sealed {Count} stored record(s) under a new data key so that each secret is bound to its version; the old data keys are retired")]
    private static partial void LogEnvelopesUpgraded(ILogger logger, long count);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Declassified {Namespace}/{Key} as Strata:Declassify asked: {Count} record(s) are now stored in clear")]
    private static partial void LogDeclassified(ILogger logger, string @namespace, string key, int count);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "{Namespace}/{Key} is now sensitive: encrypted {Count} record(s) of its history")]
    private static partial void LogClassified(ILogger logger, string @namespace, string key, int count);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Key rotation started: data key {KeyId} is now active")]
    private static partial void LogRotationStarted(ILogger logger, string keyId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Data key {KeyId} retired after re-encrypting {Count} stored value(s)")]
    private static partial void LogKeyRetired(ILogger logger, string keyId, long count);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Key rotation stopped; it resumes at the next start")]
    private static partial void LogRotationFailed(ILogger logger, Exception e);
}
