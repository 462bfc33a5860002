using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Strata.Client.Contracts;
using Strata.Client.Internal;

namespace Strata.Client.Redis;

/// <summary>
/// Strata's values from Redis, as the server's Redis bridge keeps them: the signed snapshot of every namespace at the
/// snapshot key, re-read on each message on the channel and on every reconnection, and applied only when it is newer
/// than what the provider holds. Only this client's namespaces are taken from it.
/// </summary>
internal sealed class RedisTransport : IStrataTransport
{
    private static readonly string[] GlobalScope = ["global"];

    private readonly StrataRedisClientOptions _options;
    private readonly SignatureVerifier _verifier;
    private readonly ILogger _log;
    private readonly string _endpoints;
    private readonly HashSet<string> _namespaces;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _redis;
    private CancellationTokenSource? _session;
    private StrataConfigurationProvider? _provider;

    internal RedisTransport(StrataRedisClientOptions options, SignatureVerifier verifier, ILogger log)
    {
        _options = options;
        _verifier = verifier;
        _log = log;
        _endpoints = RedisClientSettings.Endpoints(options);
        _namespaces = new HashSet<string>(options.Namespaces, StringComparer.OrdinalIgnoreCase);
        Address = $"redis://{_endpoints}/{options.SnapshotKey}";
        Description = $"Redis at {_endpoints} (key {options.SnapshotKey})";
    }

    public string Address { get; }

    public string Description { get; }

    public async Task<SnapshotDocument> FetchSnapshotAsync(CancellationToken cancellationToken)
    {
        var (snapshot, refused) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        return snapshot ?? throw new StrataServerException(refused!, transient: true);
    }

    public bool IsUnreachable(StrataServerException error) => error.InnerException is RedisConnectionException;

    public void Applied(long revision)
    {
    }

    public async Task RunAsync(StrataConfigurationProvider provider, CancellationToken stopping)
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), _options.MaxReconnectDelay);
        var channel = RedisChannel.Literal(_options.Channel);
        Volatile.Write(ref _provider, provider);
        while (!stopping.IsCancellationRequested)
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Volatile.Write(ref _session, session);
            TimeSpan delay;
            ChannelMessageQueue? queue = null;
            try
            {
                var redis = await ConnectAsync(session.Token).ConfigureAwait(false);
                queue = await redis.GetSubscriber().SubscribeAsync(channel).ConfigureAwait(false);
                // Read after subscribing: whatever was published before is in the snapshot read now.
                await ApplyNewerAsync(provider, session.Token).ConfigureAwait(false);
                provider.MarkConnected();
                backoff.Reset();
                RedisClientLog.Following(_log, _endpoints, _options.Channel, provider.AppliedRevision);
                while (true)
                {
                    var message = await queue.ReadAsync(session.Token).ConfigureAwait(false);
                    byte[]? body = message.Message;
                    if (body is null) continue;
                    if (!_verifier.Verify(body))
                    {
                        // A message only says "read the snapshot again": nothing is applied from it, signed or not.
                        RedisClientLog.MessageRejected(_log, _options.Channel, provider.CountRejectedSignature());
                        continue;
                    }
                    if (Version(body) is not { } version || version > provider.AppliedRevision || provider.NeedsSnapshot)
                        await ApplyNewerAsync(provider, session.Token).ConfigureAwait(false);
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (session.IsCancellationRequested)
            {
                // Reconnected: subscribe and read again at once.
                continue;
            }
            catch (Exception e)
            {
                delay = backoff.Next();
                var reason = e is StrataServerException ? e.Message : $"Redis at {_endpoints}: {e.Message}";
                provider.MarkDisconnected(reason);
                RedisClientLog.Disconnected(_log, reason, provider.AppliedRevision, delay);
            }
            finally
            {
                if (queue is not null) await UnsubscribeAsync(queue).ConfigureAwait(false);
            }
            try
            {
                await Task.Delay(delay, session.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping, or reconnected: the loop decides.
            }
        }
    }

    private static async Task UnsubscribeAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Disconnected: there is nothing to unsubscribe from.
        }
    }

    /// <summary>Reads the snapshot and applies it when it is newer than what the provider holds (or the provider serves
    /// last-known-good values). A snapshot whose signature does not verify is counted, logged and left: the old values stay.</summary>
    private async Task ApplyNewerAsync(StrataConfigurationProvider provider, CancellationToken ct)
    {
        var (snapshot, refused) = await ReadAsync(ct).ConfigureAwait(false);
        if (snapshot is null)
        {
            if (refused == SignatureRefusal)
            {
                RedisClientLog.SnapshotRejected(_log, _options.SnapshotKey, provider.CountRejectedSignature());
                return;
            }
            throw new StrataServerException(refused!, transient: true);
        }
        if (snapshot.Revision > provider.AppliedRevision || provider.NeedsSnapshot) provider.ApplySnapshot(snapshot);
    }

    private const string SignatureRefusal = "The snapshot in Redis does not verify under the pinned SigningKey: nothing in it was applied.";

    /// <summary>The snapshot narrowed to this client's namespaces, verified; or null and why not.</summary>
    private async Task<(SnapshotDocument? Snapshot, string? Refused)> ReadAsync(CancellationToken ct)
    {
        byte[]? body;
        try
        {
            var redis = await ConnectAsync(ct).ConfigureAwait(false);
            body = await redis.GetDatabase().StringGetAsync(_options.SnapshotKey).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            throw new StrataServerException($"Redis at {_endpoints} cannot be reached: {e.Message}", transient: true, e);
        }
        if (body is null)
            return (null, $"Redis at {_endpoints} holds no snapshot at {_options.SnapshotKey} yet: is the Strata server's Redis bridge on (Strata:Redis:Configuration)?");
        if (!_verifier.Verify(body)) return (null, SignatureRefusal);
        SnapshotDocument? whole;
        try
        {
            whole = JsonSerializer.Deserialize(body, ClientJsonContext.Default.SnapshotDocument);
        }
        catch (JsonException)
        {
            whole = null;
        }
        if (whole is null || !whole.Scopes.SequenceEqual(GlobalScope, StringComparer.OrdinalIgnoreCase))
            return (null, $"The snapshot at {_options.SnapshotKey} is signed but is not the Redis bridge's (global scope) document; nothing in it was applied.");
        // The document holds every namespace; the provider is given the view it asked for.
        return (whole with
        {
            Namespaces = [.. _options.Namespaces],
            Settings = [.. whole.Settings.Where(s => _namespaces.Contains(s.Namespace))],
        }, null);
    }

    private static long? Version(byte[] message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            return document.RootElement.TryGetProperty("version", out var v) && v.TryGetInt64(out var version) ? version : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _redis) is { } connected) return connected;
        await _connecting.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_redis is not null) return _redis;
            // Returns even when Redis is down: the client goes on connecting by itself, and says when it is back.
            var redis = await ConnectionMultiplexer.ConnectAsync(RedisClientSettings.Connection(_options)).WaitAsync(ct).ConfigureAwait(false);
            redis.ConnectionFailed += (_, e) =>
            {
                if (Volatile.Read(ref _provider) is not { } provider) return;
                // The subscription waits quietly for the connection to come back: the status says it is gone meanwhile.
                var reason = $"Redis at {_endpoints}: the connection was lost ({e.FailureType}).";
                provider.MarkDisconnected(reason);
                RedisClientLog.ConnectionLost(_log, reason, provider.AppliedRevision);
            };
            redis.ConnectionRestored += (_, _) =>
            {
                try
                {
                    Volatile.Read(ref _session)?.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            };
            Volatile.Write(ref _redis, redis);
            return redis;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public void Dispose()
    {
        _redis?.Dispose();
        _connecting.Dispose();
    }
}
