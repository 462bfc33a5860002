using Microsoft.Extensions.Logging;
using Strata.Engine;
using Strata.Naming;

namespace Strata;

/// <summary>
/// Typed, in-process reads of resolved settings (global scope). Served from the in-memory snapshot: no I/O, and no
/// allocation once a value has been read.
/// </summary>
public sealed partial class StrataSettings
{
    private readonly SettingsEngine _engine;
    private readonly ILogger _logger;

    internal StrataSettings(SettingsEngine engine, ILogger<StrataSettings> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    /// <summary>The revision of the snapshot reads are served from.</summary>
    public long Revision => _engine.Current.Revision;

    /// <summary>The resolved value as <typeparamref name="T"/>; throws <see cref="KeyNotFoundException"/> naming the key when no layer has one.</summary>
    public T GetValue<T>(string ns, string key) =>
        TryGetValue<T>(ns, key, out var value) ? value : throw new KeyNotFoundException($"Setting '{ns}/{key}' has no value in any layer.");

    /// <summary>The resolved value as <typeparamref name="T"/>, if any layer has one.</summary>
    public bool TryGetValue<T>(string ns, string key, out T value)
    {
        if (_engine.Get(ns, key) is { } resolved)
        {
            value = resolved.As<T>();
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>
    /// Calls <paramref name="handler"/> after every commit that changes a key of <paramref name="ns"/> (only
    /// <paramref name="key"/> when given), in revision order, none missed, and after a reload of the store. Reads
    /// in the handler see that revision or a later one. Dispose the result to stop.
    /// </summary>
    public IDisposable OnChange(string ns, string? key, Action<StrataChange> handler)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(handler);
        var stop = new CancellationTokenSource();
        var stopping = stop.Token;
        var after = _engine.Current.Revision;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in FeedFollower.FollowAsync(_engine, after, n => Names.Comparer.Equals(n, ns), stopping).ConfigureAwait(false))
                {
                    var keys = e.Changed.Where(c => Names.Comparer.Equals(c.Namespace, ns) && (key is null || Names.Comparer.Equals(c.Key, key)))
                        .Select(c => new StrataChangedKey(c.Namespace, c.Key, c.Scope, c.Version)).ToList();
                    var reloaded = e.Event == ChangeEvent.Reloaded;
                    if (keys.Count == 0 && !reloaded) continue;
                    try
                    {
                        handler(new StrataChange(e.Revision, keys, reloaded));
                    }
                    catch (Exception error)
                    {
                        LogHandlerFailed(_logger, error, ns, e.Revision);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
        });
        return new Subscription(stop);
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Error, Message = "A change handler for namespace {Namespace} failed at revision {Revision}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception error, string @namespace, long revision);

    private sealed class Subscription(CancellationTokenSource stop) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            stop.Cancel();
            stop.Dispose();
        }
    }
}
