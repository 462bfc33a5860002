using Microsoft.Extensions.Logging;
using Strata.Access;
using Strata.Engine;
using Strata.Storage;

namespace Strata.Cluster;

/// <summary>
/// Keeps this instance in step with the others on a shared store: their commits go through this instance's commit
/// loop (snapshot, watchers and bridges see them in order), and what the access services keep in memory is read
/// again when a signal says it changed. A slow poll catches a commit whose signal was lost.
/// </summary>
internal sealed partial class ClusterFollower(IClusterSignals signals, SettingsEngine engine, UserService users, SessionService sessions,
    TimeProvider time, ILogger<ClusterFollower> logger) : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _poll;

    public void Start()
    {
        signals.Signaled += OnSignal;
        if (signals is not SingleInstance) _poll = time.CreateTimer(_ => engine.RequestFollow(), null, PollInterval, PollInterval);
    }

    private void OnSignal(ClusterSignal signal)
    {
        var all = signal.Topic == ClusterTopic.All;
        if (all || signal.Topic == ClusterTopic.Commits && (signal.Revision == 0 || signal.Revision > engine.Current.Revision))
            engine.RequestFollow();
        if (all || signal.Topic == ClusterTopic.Tokens) Reload(engine.Tokens.ReloadAsync, ClusterTopic.Tokens);
        if (all || signal.Topic == ClusterTopic.DataKeys) Reload(engine.Secrets.ReloadKeysAsync, ClusterTopic.DataKeys);
        if (all || signal.Topic == ClusterTopic.Users) Reload(users.ReloadAsync, ClusterTopic.Users);
        if (all || signal.Topic is ClusterTopic.Sessions or ClusterTopic.Users) Reload(sessions.ReloadAsync, ClusterTopic.Sessions);
    }

    private void Reload(Func<CancellationToken, Task> reload, ClusterTopic what) => _ = Task.Run(async () =>
    {
        try
        {
            await reload(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
        catch (StoreUnavailableException e)
        {
            // The listening connection signals All when it comes back, and that reloads everything.
            LogReloadFailed(logger, e, what);
        }
    });

    public async ValueTask DisposeAsync()
    {
        signals.Signaled -= OnSignal;
        if (_poll is not null) await _poll.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Could not reload {What} after another instance changed them; retried when the store is back")]
    private static partial void LogReloadFailed(ILogger logger, Exception e, ClusterTopic what);
}
