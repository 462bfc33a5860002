using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace Strata.Tests.Mqtt;

/// <summary>
/// A real MQTTnet client subscribed to <c>&lt;prefix&gt;/#</c> at QoS 1, retain flags as published, queueing what
/// it receives in order.
/// </summary>
internal sealed class MqttSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Channel<ReceivedMessage> _messages = Channel.CreateUnbounded<ReceivedMessage>();

    private MqttSubscriber(IMqttClient client) => _client = client;

    public static async Task<MqttSubscriber> ConnectAsync(int port, string prefix, string? username = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var subscriber = new MqttSubscriber(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            subscriber._messages.Writer.TryWrite(new ReceivedMessage(m.Topic, m.Payload.ToArray(), m.QualityOfServiceLevel, m.Retain));
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId($"test-{Guid.NewGuid():N}");
        if (username is not null) options.WithCredentials(username, password);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(options.Build(), timeout.Token);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic($"{prefix}/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainAsPublished(true))
            .Build();
        await client.SubscribeAsync(subscribe, timeout.Token);
        return subscriber;
    }

    /// <summary>The next message, within <paramref name="within"/> (10 s by default).</summary>
    public async Task<ReceivedMessage> NextAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _messages.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No MQTT message within {(within ?? TimeSpan.FromSeconds(10)).TotalSeconds} s.");
        }
    }

    /// <summary>Messages in order until one matches <paramref name="last"/> (included); at most <paramref name="max"/>.</summary>
    public async Task<List<ReceivedMessage>> UntilAsync(Func<ReceivedMessage, bool> last, int max = 1000, TimeSpan? within = null)
    {
        var received = new List<ReceivedMessage>();
        while (received.Count < max)
        {
            var next = await NextAsync(within);
            received.Add(next);
            if (last(next)) return received;
        }
        throw new InvalidOperationException($"No matching message among {max}.");
    }

    public bool TryNext(out ReceivedMessage message) => _messages.Reader.TryRead(out message!);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
            {
            }
        }
        _client.Dispose();
    }
}

internal sealed record ReceivedMessage(string Topic, byte[] Payload, MqttQualityOfServiceLevel QoS, bool Retain)
{
    public string Text => Encoding.UTF8.GetString(Payload);

    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;

    public string Event => Json.GetProperty("event").GetString()!;

    public long Revision => Json.GetProperty("revision").GetInt64();

    public string Namespace => Json.GetProperty("namespace").GetString()!;
}
