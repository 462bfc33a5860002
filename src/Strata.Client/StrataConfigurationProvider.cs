using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Client.Contracts;
using Strata.Client.Internal;
using Strata.Client.LastKnownGood;

namespace Strata.Client;

/// <summary>
/// Serves a Strata server's settings as configuration: a verified snapshot at <see cref="Load"/>, then one background
/// follower (the transport's: the server's watch, or a bridge's broker) whose verified updates each replace
/// <see cref="ConfigurationProvider.Data"/> and fire one reload.
/// </summary>
internal sealed class StrataConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly StrataClientOptions _options;
    private readonly IStrataTransport _transport;
    private readonly LastKnownGoodStore? _lastKnownGood;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Dictionary<string, AppliedSetting> _settings = new(StringComparer.OrdinalIgnoreCase);
    private StrataClientStatus _status = new();
    private Task? _background;

    /// <summary>A provider that follows the server over its HTTP API.</summary>
    internal StrataConfigurationProvider(StrataClientOptions options)
        : this(options, (verifier, log) => new StrataHttpTransport(options, verifier, log))
    {
    }

    /// <summary>A provider that takes its values from the transport <paramref name="transport"/> makes, given the
    /// pinned key's verifier and the client's logger.</summary>
    internal StrataConfigurationProvider(StrataClientOptions options, Func<SignatureVerifier, ILogger, IStrataTransport> transport)
    {
        _options = options;
        Log = options.LoggerFactory?.CreateLogger("Strata.Client") ?? NullLogger.Instance;
        var verifier = SignatureVerifier.FromBase64(options.SigningKey);
        _transport = transport(verifier, Log);
        _lastKnownGood = LastKnownGoodStore.From(options, verifier.KeyId, Log);
    }

    internal ILogger Log { get; }
    internal IStrataTransport Transport => _transport;

    /// <summary>The HTTP transport's consumer reporter.</summary>
    internal ConsumerReporter Reporter => (_transport as StrataHttpTransport)?.Reporter
        ?? throw new InvalidOperationException("Only the HTTP transport reports to the consumers view.");
    internal LastKnownGoodStore? LastKnownGood => _lastKnownGood;
    internal StrataClientStatus Status => Volatile.Read(ref _status);
    internal long AppliedRevision => Status.Revision;

    /// <summary>True until values from the transport have been applied (at start-up, or after serving the last-known-good file).</summary>
    internal bool NeedsSnapshot => Status.Source != StrataDataSource.Server;

    public override void Load()
    {
        // Called again by IConfigurationRoot.Reload(): the watch already keeps Data current.
        if (_background is not null) return;
        // Configuration is built synchronously; start-up is the one place the client waits for the server.
        try
        {
            Task.Run(LoadAtStartupAsync).GetAwaiter().GetResult();
        }
        catch
        {
            // Nobody disposes a provider whose Load failed the build.
            _transport.Dispose();
            throw;
        }
        _background = Task.WhenAll(
            Task.Run(() => _transport.RunAsync(this, _stopping.Token)),
            _lastKnownGood is null ? Task.CompletedTask : Task.Run(() => _lastKnownGood.RunAsync(_stopping.Token)));
    }

    private async Task LoadAtStartupAsync()
    {
        using var deadline = new CancellationTokenSource(_options.StartupTimeout);
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));
        string lastError = $"no answer within {_options.StartupTimeout}";
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                ApplySnapshot(await _transport.FetchSnapshotAsync(deadline.Token).ConfigureAwait(false));
                return;
            }
            catch (StrataServerException e) when (!e.Transient)
            {
                throw new InvalidOperationException($"Strata start-up failed: {e.Message}", e);
            }
            catch (StrataServerException e)
            {
                lastError = e.Message;
                // Nothing listens there: waiting out StartupTimeout would only delay a start from the last-known-good
                // file (seed 004 asks for 50 ms). The watch keeps retrying and catches up once the server is back.
                if (_transport.IsUnreachable(e) && _lastKnownGood?.Exists == true)
                    break;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                break;
            }
            var delay = backoff.Next();
            ClientLog.StartupRetry(Log, lastError, delay);
            try
            {
                await Task.Delay(delay, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        StartWithoutServer(lastError);
    }

    private void StartWithoutServer(string error)
    {
        var noFile = "no LastKnownGoodPath is set";
        if (_lastKnownGood is not null)
        {
            LastKnownGoodContents? contents;
            try
            {
                contents = _lastKnownGood.Load();
            }
            catch (LastKnownGoodException refused) when (_options.Optional)
            {
                ClientLog.LastKnownGoodRefused(Log, refused.Message);
                contents = null;
            }
            catch (LastKnownGoodException refused)
            {
                // A tampered, truncated or foreign file is never loaded, not even in part: start-up fails saying why.
                throw new InvalidOperationException(
                    $"Strata start-up failed: {_transport.Description} could not be loaded within {_options.StartupTimeout} ({error}), and {refused.Message}", refused);
            }
            if (contents is not null)
            {
                ServeLastKnownGood(contents, error);
                ClientLog.StartedFromLastKnownGood(Log, error, contents.Revision);
                return;
            }
            noFile = $"the last-known-good file {_lastKnownGood.Path} does not exist yet";
        }
        if (_options.Optional)
        {
            Update(s => s with { LastError = error });
            ClientLog.StartedEmpty(Log, error);
            return;
        }
        throw new InvalidOperationException(
            $"Strata start-up failed: {_transport.Description} could not be loaded within {_options.StartupTimeout} ({error}) and {noFile}. "
            + "Start the server, set LastKnownGoodPath and LastKnownGoodKey, or set Optional = true to start without Strata values.");
    }

    private void ServeLastKnownGood(LastKnownGoodContents contents, string error)
    {
        lock (_gate)
        {
            // Only flattened values are in the file: the first snapshot from the server replaces them whole.
            _settings = new Dictionary<string, AppliedSetting>(StringComparer.OrdinalIgnoreCase);
            Data = new Dictionary<string, string?>(contents.Data, StringComparer.OrdinalIgnoreCase);
            _status = _status with { Source = StrataDataSource.LastKnownGood, Revision = contents.Revision, LastAppliedAt = contents.SavedAt, LastError = error };
        }
        Reload(contents.Revision);
    }

    /// <summary>Replaces every value with a verified snapshot's and fires one reload.</summary>
    internal void ApplySnapshot(SnapshotDocument snapshot)
    {
        // Signed, but also the one asked for: a relay must not pass off another view's snapshot as this one.
        if (!SameNames(snapshot.Namespaces, _options.Namespaces) || !SameNames(WithoutGlobal(snapshot.Scopes), WithoutGlobal(_options.Scopes), ordered: true))
            throw new StrataServerException("The snapshot is signed but is for other namespaces or scopes than asked for; nothing in it was applied.", transient: true);
        var next = new Dictionary<string, AppliedSetting>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in snapshot.Settings)
        {
            if (s.Masked)
            {
                ClientLog.MaskedValueLeftOut(Log, s.Namespace, s.Key);
                continue;
            }
            next[ConfigurationPath.Combine(s.Namespace, s.Key)] = new AppliedSetting(s.Value, s.Sensitive);
        }
        var recovering = Status.Source == StrataDataSource.LastKnownGood;
        Replace(next, snapshot.Revision, StrataDataSource.Server, null);
        if (recovering) ClientLog.Recovered(Log, snapshot.Revision);
        _transport.Applied(snapshot.Revision);
    }

    /// <summary>Applies a verified change event after the applied revision (and ignores any other); true when applied.</summary>
    internal bool ApplyChange(ChangeEvent change)
    {
        if (change.View is not { Keys: null } view || !SameNames(view.Namespaces, _options.Namespaces)
            || !SameNames(WithoutGlobal(view.Scopes), WithoutGlobal(_options.Scopes), ordered: true))
            throw new StrataServerException("A change event is signed but is for another view than this client's watch; it was not applied.", transient: true);
        var applied = AppliedRevision;
        if (change.Revision <= applied)
        {
            ClientLog.StaleEventIgnored(Log, change.Revision, applied);
            return false;
        }
        var next = new Dictionary<string, AppliedSetting>(_settings, StringComparer.OrdinalIgnoreCase);
        foreach (var c in change.Changes)
        {
            var name = ConfigurationPath.Combine(c.Namespace, c.Key);
            var known = next.Remove(name, out var previous);
            if (c.Removed) continue;
            if (c.Masked)
            {
                ClientLog.MaskedValueLeftOut(Log, c.Namespace, c.Key);
                continue;
            }
            // The feed says when a value is sensitive; a key first seen on the feed is kept as sensitive to be safe, and
            // one the server now calls sensitive is sealed in the last-known-good file from this revision on.
            next[name] = new AppliedSetting(c.Value, c.Sensitive || !known || previous!.Sensitive);
        }
        Replace(next, change.Revision, StrataDataSource.Server, null);
        _transport.Applied(change.Revision);
        return true;
    }

    private static IEnumerable<string> WithoutGlobal(IEnumerable<string>? scopes) =>
        (scopes ?? []).Where(s => !s.Equals("global", StringComparison.OrdinalIgnoreCase));

    private static bool SameNames(IEnumerable<string> a, IEnumerable<string> b, bool ordered = false) => ordered
        ? a.SequenceEqual(b, StringComparer.OrdinalIgnoreCase)
        : a.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(b);

    internal void MarkConnected() => Update(s => s with { Connected = true, LastError = null });

    internal void MarkDisconnected(string error) => Update(s => s with { Connected = false, LastError = error });

    internal long CountRejectedSignature()
    {
        lock (_gate)
        {
            _status = _status with { RejectedSignatures = _status.RejectedSignatures + 1, LastError = "a document's signature did not verify" };
            return _status.RejectedSignatures;
        }
    }

    private void Replace(Dictionary<string, AppliedSetting> settings, long revision, StrataDataSource source, string? error)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var sensitive = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, setting) in settings)
        {
            if (!setting.Sensitive)
            {
                ConfigurationFlattener.Flatten(name, setting.Value, data);
                continue;
            }
            var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            ConfigurationFlattener.Flatten(name, setting.Value, keys);
            foreach (var (key, value) in keys)
            {
                data[key] = value;
                sensitive.Add(key);
            }
        }
        lock (_gate)
        {
            _settings = settings;
            Data = data;
            _status = _status with { Source = source, Revision = revision, LastAppliedAt = DateTimeOffset.UtcNow, LastError = error ?? _status.LastError };
        }
        ClientLog.Applied(Log, revision, settings.Count);
        _lastKnownGood?.Save(revision, data, sensitive);
        // One reload per applied revision; outside the lock, so a change callback may read anything.
        Reload(revision);
    }

    /// <summary>Fires the reload token. A callback of the app's that throws is logged: it must not stop the watch.</summary>
    private void Reload(long revision)
    {
        try
        {
            OnReload();
        }
        catch (Exception e)
        {
            ClientLog.ReloadCallbackFailed(Log, e, revision);
        }
    }

    private void Update(Func<StrataClientStatus, StrataClientStatus> change)
    {
        lock (_gate) _status = change(_status);
    }

    /// <summary>How the provider shows in <c>GetDebugView()</c>.</summary>
    public override string ToString() => $"Strata {_transport.Address} ({string.Join(", ", _options.Namespaces)})";

    public void Dispose()
    {
        _stopping.Cancel();
        // The loops stop at their next await; bounded, so a stuck connection cannot hold up the host's shutdown. They
        // log their own failures: none is rethrown from Dispose.
        try
        {
            _background?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _transport.Dispose();
        _stopping.Dispose();
    }
}
