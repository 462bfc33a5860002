using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Client.Internal;
using Strata.Engine;
using Strata.Naming;

namespace Strata.Configuration;

/// <summary>
/// The embedded form of the client: an app hosting Strata sees some namespaces as configuration (<c>ns:key</c>,
/// JSON flattened as the JSON provider does), loaded when Strata starts and then following every commit through the
/// feed, in-process, with one reload per applied revision: the same semantics as <c>Strata.Client</c> over HTTP.
/// </summary>
internal sealed partial class EmbeddedConfigurationProvider(IReadOnlyList<string> namespaces) : ConfigurationProvider, IConfigurationSource
{
    private readonly HashSet<string> _namespaces = new(namespaces, Names.Comparer);
    private CancellationTokenSource? _stop;
    private Task _following = Task.CompletedTask;
    private ILogger _logger = NullLogger.Instance;

    public IReadOnlyList<string> Namespaces { get; } = namespaces;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>Loads the namespaces from the started engine and follows its feed until <see cref="DetachAsync"/>.</summary>
    public void Attach(SettingsEngine engine, ILogger logger)
    {
        _logger = logger;
        var snapshot = engine.Current;
        Replace(engine, snapshot);
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _following = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in FeedFollower.FollowAsync(engine, snapshot.Revision, _namespaces.Contains, stop).ConfigureAwait(false))
                {
                    if (e.Event == ChangeEvent.Reloaded) Replace(engine, e.Snapshot!);
                    else Apply(e, engine);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
    }

    public async Task DetachAsync()
    {
        if (_stop is null) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _following.ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Replace(SettingsEngine engine, Snapshot snapshot)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var ns in Namespaces)
            foreach (var setting in engine.GetNamespace(snapshot, ns, ScopeChain.GlobalOnly))
                ConfigurationFlattener.Flatten(ConfigurationPath.Combine(setting.Namespace, setting.Key), setting.Value, data);
        Publish(data, snapshot.Revision);
    }

    /// <summary>One revision: its keys as they resolve right after it (a new dictionary, so readers never see half of it).</summary>
    private void Apply(ChangeEvent e, SettingsEngine engine)
    {
        var data = new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);
        foreach (var change in e.Changed)
        {
            if (!_namespaces.Contains(change.Namespace) || change.Scope != Scope.Global) continue;
            var path = ConfigurationPath.Combine(change.Namespace, change.Key);
            foreach (var stale in data.Keys.Where(k => k.Equals(path, StringComparison.OrdinalIgnoreCase)
                || k.StartsWith(path + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)).ToList())
                data.Remove(stale);
            if (change.State.GlobalResolution(engine.Resolver) is { } resolved) ConfigurationFlattener.Flatten(path, resolved.Value, data);
        }
        Publish(data, e.Revision);
    }

    private void Publish(Dictionary<string, string?> data, long revision)
    {
        Data = data;
        // An app's change callback that throws must not stop the following.
        try
        {
            OnReload();
        }
        catch (Exception e)
        {
            LogCallbackFailed(_logger, e, revision);
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Error, Message = "A configuration change callback failed after revision {Revision}; the configuration goes on following Strata")]
    private static partial void LogCallbackFailed(ILogger logger, Exception error, long revision);
}
