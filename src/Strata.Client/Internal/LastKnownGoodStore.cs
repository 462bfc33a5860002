using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Strata.Client.LastKnownGood;

namespace Strata.Client.Internal;

/// <summary>
/// The provider's last-known-good file: replaced in the background after every applied revision (the newest pending
/// one wins when revisions come faster than the disk; applying never waits for it), and read at start-up when the
/// server cannot be reached.
/// </summary>
internal sealed class LastKnownGoodStore
{
    private readonly Channel<LastKnownGoodContents> _pending = Channel.CreateBounded<LastKnownGoodContents>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private readonly string _path;
    private readonly LastKnownGoodKey _key;
    private readonly LastKnownGoodIdentity _identity;
    private readonly ILogger _log;

    private LastKnownGoodStore(string path, LastKnownGoodKey key, LastKnownGoodIdentity identity, ILogger log)
    {
        _path = path;
        _key = key;
        _identity = identity;
        _log = log;
    }

    /// <summary>Raised after a revision's file is in place (tests wait on it rather than on time).</summary>
    internal event Action<long>? Saved;

    internal string Path => _path;

    /// <summary>Whether a file is there to fall back on (it may still be refused when read).</summary>
    internal bool Exists => File.Exists(_path);

    /// <summary>The store the options ask for, or null when <see cref="StrataClientOptions.LastKnownGoodPath"/> is not set.</summary>
    internal static LastKnownGoodStore? From(StrataClientOptions options, string signingKeyId, ILogger log) =>
        string.IsNullOrWhiteSpace(options.LastKnownGoodPath) ? null : new LastKnownGoodStore(
            System.IO.Path.GetFullPath(options.LastKnownGoodPath), LastKnownGoodKey.Parse(options.LastKnownGoodKey),
            new LastKnownGoodIdentity([.. options.Namespaces], [.. options.Scopes], signingKeyId), log);

    /// <summary>The file's contents; null when there is no file yet.</summary>
    /// <exception cref="LastKnownGoodException">The file is refused (tampered, truncated, foreign, another key, unreadable).</exception>
    internal LastKnownGoodContents? Load()
    {
        try
        {
            return LastKnownGoodFile.Read(_path, _key, _identity);
        }
        catch (LastKnownGoodException e) when (e.Reason == LastKnownGoodRefusal.Missing)
        {
            return null;
        }
    }

    internal void Save(long revision, IReadOnlyDictionary<string, string?> data, IReadOnlySet<string> sensitiveKeys) =>
        _pending.Writer.TryWrite(new LastKnownGoodContents(revision, DateTimeOffset.UtcNow, _identity, data, sensitiveKeys));

    internal async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var contents in _pending.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await LastKnownGoodFile.WriteAsync(_path, _key, contents, stopping).ConfigureAwait(false);
                    Saved?.Invoke(contents.Revision);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    ClientLog.LastKnownGoodNotSaved(_log, _path, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
