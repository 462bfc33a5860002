using System.Text.Json;
using System.Threading.Channels;
using StackExchange.Redis;

namespace Strata.Tests.Redis;

/// <summary>A real StackExchange.Redis connection of the test's own: reads keys, and records every message on a
/// channel in the order Redis delivered them. It reconnects (and resubscribes) by itself after an outage.</summary>
internal sealed class RedisListener : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly Channel<byte[]> _messages = Channel.CreateUnbounded<byte[]>();
    private readonly RedisChannel _channel;
    // Messages read while waiting for a probe: still to be returned, first.
    private readonly Queue<byte[]> _held = new();

    private RedisListener(ConnectionMultiplexer redis, string channel)
    {
        _redis = redis;
        _channel = RedisChannel.Literal(channel);
    }

    public IDatabase Db => _redis.GetDatabase();
    public ConnectionMultiplexer Connection => _redis;

    public static async Task<RedisListener> StartAsync(string configuration, string channel)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new LinearRetry(100);
        var listener = new RedisListener(await ConnectionMultiplexer.ConnectAsync(options), channel);
        // Subscribed once this completes: every message published after it is recorded.
        await listener._redis.GetSubscriber().SubscribeAsync(listener._channel, (_, m) => listener._messages.Writer.TryWrite((byte[])m!));
        return listener;
    }

    /// <summary>The next message (at most <paramref name="seconds"/> away).</summary>
    public async Task<byte[]> NextAsync(int seconds = 30)
    {
        if (_held.TryDequeue(out var held)) return held;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _messages.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No message on {_channel} within {seconds} s.");
        }
    }

    /// <summary>Messages until one with version <paramref name="through"/> or later, probes left out.</summary>
    public async Task<List<JsonElement>> ReadThroughAsync(long through, int seconds = 60)
    {
        var read = new List<JsonElement>();
        while (true)
        {
            var message = JsonDocument.Parse(await NextAsync(seconds)).RootElement.Clone();
            if (message.TryGetProperty("probe", out _)) continue;
            read.Add(message);
            if (message.GetProperty("version").GetInt64() >= through) return read;
        }
    }

    /// <summary>Publishes a probe and waits until it comes back: the subscription is live (after a reconnect, say).</summary>
    public async Task WaitSubscribedAsync(int seconds = 30)
    {
        var id = Guid.NewGuid().ToString("N");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        // Bounded by the deadline; each round publishes one probe and reads what comes until it, or 1 s.
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                await _redis.GetSubscriber().PublishAsync(_channel, $$"""{"probe":"{{id}}"}""");
            }
            catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
            {
                // Not reconnected yet: wait for it.
                await WaitConnectedAsync(deadline.Token);
                continue;
            }
            using var round = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            round.CancelAfter(TimeSpan.FromSeconds(1));
            try
            {
                while (true)
                {
                    var message = await _messages.Reader.ReadAsync(round.Token);
                    if (System.Text.Encoding.UTF8.GetString(message).Contains(id, StringComparison.Ordinal)) return;
                    _held.Enqueue(message);
                }
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
            }
        }
        throw new TimeoutException($"The subscription to {_channel} did not come back within {seconds} s.");
    }

    private async Task WaitConnectedAsync(CancellationToken ct)
    {
        if (_redis.IsConnected) return;
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRestored(object? sender, ConnectionFailedEventArgs e) => restored.TrySetResult();
        _redis.ConnectionRestored += OnRestored;
        try
        {
            if (!_redis.IsConnected) await restored.Task.WaitAsync(ct);
        }
        finally
        {
            _redis.ConnectionRestored -= OnRestored;
        }
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
