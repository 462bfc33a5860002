using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Strata.Client.Contracts;
using Strata.Client.Internal;

namespace Strata.Client.Mqtt;

/// <summary>
/// The bridge's retained messages as the provider's transport: subscribes to each namespace's topic, verifies every
/// message before reading it, keeps each namespace's newest state, and hands the provider the union of them as one
/// snapshot whenever a namespace moves on. Each message carries its namespace's whole state, so a missed one is
/// repaired by the next, and a reconnection gets every namespace's retained state again.
/// </summary>
internal sealed class MqttTransport : IStrataTransport
{
    private readonly MqttBroker _broker;
    private readonly StrataClientOptions _options;
    private readonly SignatureVerifier _verifier;
    private readonly ILogger _log;
    private readonly Dictionary<string, string> _namespaceByTopic = new(StringComparer.Ordinal);
    // Touched only by the one reader: start-up's fetch, then the follow loop.
    private readonly Dictionary<string, NamespaceState> _latest = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _secretsLogged = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<Received> _incoming = Channel.CreateUnbounded<Received>(new UnboundedChannelOptions { SingleReader = true });
    private IMqttClient? _client;
    private CancellationTokenSource? _dropped;
    private string _dropReason = "";
    private int _unreportedRejections;

    internal MqttTransport(MqttBroker broker, StrataClientOptions options, SignatureVerifier verifier, ILogger log)
    {
        _broker = broker;
        _options = options;
        _verifier = verifier;
        _log = log;
        foreach (var ns in options.Namespaces) _namespaceByTopic[broker.Topic(ns)] = ns;
        Address = $"mqtt://{broker.Server}/{broker.TopicPrefix}";
        Description = $"the MQTT broker at {broker.Server}";
    }

    public string Address { get; }

    public string Description { get; }

    private bool Complete => _options.Namespaces.All(_latest.ContainsKey);

    public async Task<SnapshotDocument> FetchSnapshotAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        while (!Complete) Accept(await ReadAsync(cancellationToken).ConfigureAwait(false), null);
        return Snapshot();
    }

    public bool IsUnreachable(StrataServerException error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
                return true;
        return false;
    }

    public async Task RunAsync(StrataConfigurationProvider provider, CancellationToken stopping)
    {
        for (; _unreportedRejections > 0; _unreportedRejections--) provider.CountRejectedSignature();
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(200), _options.MaxReconnectDelay);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ConnectAsync(stopping).ConfigureAwait(false);
                provider.MarkConnected();
                backoff.Reset();
                // Started from the last-known-good file, or the retained states came in while start-up had given up.
                if (Complete && provider.NeedsSnapshot) provider.ApplySnapshot(Snapshot());
                while (true)
                {
                    if (Accept(await ReadAsync(stopping).ConfigureAwait(false), provider) && Complete) provider.ApplySnapshot(Snapshot());
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            // Whatever broke the connection or a message (a timeout, the broker, the last-known-good file): the
            // last values stay and the loop reconnects; nothing ends the follower but stopping.
            catch (Exception e)
            {
                var delay = backoff.Next();
                provider.MarkDisconnected(e.Message);
                MqttClientLog.Disconnected(_log, _broker.Server, e.Message, provider.AppliedRevision, delay);
                CloseClient();
                try
                {
                    await Task.Delay(delay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public void Applied(long revision)
    {
    }

    public void Dispose()
    {
        CloseClient();
        _incoming.Writer.TryComplete();
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        if (_client?.IsConnected == true && _dropped?.IsCancellationRequested == false) return;
        CloseClient();
        var client = new MqttClientFactory().CreateMqttClient();
        var dropped = new CancellationTokenSource();
        client.ApplicationMessageReceivedAsync += e =>
        {
            _incoming.Writer.TryWrite(new Received(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            _dropReason = e.Exception?.Message ?? (string.IsNullOrEmpty(e.ReasonString) ? e.Reason.ToString() : e.ReasonString);
            try
            {
                dropped.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
            return Task.CompletedTask;
        };
        _client = client;
        _dropped = dropped;
        try
        {
            var connected = await client.ConnectAsync(_broker.ClientOptions(), ct).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
                throw new StrataServerException($"{Description} refused the connection: {connected.ResultCode}.", transient: true);
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var topic in _namespaceByTopic.Keys) subscribe.WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce);
            var subscribed = await client.SubscribeAsync(subscribe.Build(), ct).ConfigureAwait(false);
            if (subscribed.Items.FirstOrDefault(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2) is { } refused)
                throw new StrataServerException($"{Description} refused the subscription to {refused.TopicFilter.Topic}: {refused.ResultCode}.", transient: true);
        }
        catch (Exception e) when (e is not (OperationCanceledException or StrataServerException))
        {
            throw new StrataServerException($"{Description} is unreachable: {e.Message}", transient: true, e);
        }
        MqttClientLog.Connected(_log, _broker.Server, _namespaceByTopic.Count);
    }

    /// <summary>The next message; throws when the connection dropped, so start-up and the loop reconnect.</summary>
    private async Task<Received> ReadAsync(CancellationToken ct)
    {
        if (_incoming.Reader.TryRead(out var ready)) return ready;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, _dropped?.Token ?? CancellationToken.None);
        try
        {
            return await _incoming.Reader.ReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new StrataServerException($"{Description} closed the connection: {_dropReason}", transient: true);
        }
    }

    /// <summary>Verifies and keeps a message; true when its namespace moved on.</summary>
    private bool Accept(Received message, StrataConfigurationProvider? provider)
    {
        if (!_namespaceByTopic.TryGetValue(message.Topic, out var ns)) return false;
        if (!_verifier.Verify(message.Payload))
        {
            // Before the provider follows (start-up), counted once it does.
            var count = provider?.CountRejectedSignature() ?? ++_unreportedRejections;
            MqttClientLog.SignatureRejected(_log, message.Topic, count);
            return false;
        }
        NamespaceState state;
        try
        {
            state = NamespaceState.Parse(message.Payload);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            MqttClientLog.Malformed(_log, message.Topic, e.Message);
            return false;
        }
        // Signed, but for another namespace: a relay must not pass one namespace's state off as another's.
        if (!state.Namespace.Equals(ns, StringComparison.OrdinalIgnoreCase))
        {
            MqttClientLog.WrongNamespace(_log, message.Topic, state.Namespace);
            return false;
        }
        // A reload may go back (a restored store); anything else older is a replay the bridge sends after its outage.
        if (_latest.TryGetValue(ns, out var known) && state.Revision <= known.Revision
            && !(state.Event == NamespaceState.Reloaded && state.Revision != known.Revision))
        {
            MqttClientLog.Stale(_log, ns, state.Revision, known.Revision);
            return false;
        }
        _latest[ns] = state;
        foreach (var key in state.Withheld)
            if (_secretsLogged.Add($"{ns}:{key}")) MqttClientLog.SecretLeftOut(_log, ns, key);
        return true;
    }

    private SnapshotDocument Snapshot()
    {
        var settings = new List<SnapshotSetting>();
        long revision = 0;
        var at = DateTimeOffset.MinValue;
        foreach (var ns in _options.Namespaces)
        {
            var state = _latest[ns];
            revision = Math.Max(revision, state.Revision);
            if (state.At > at) at = state.At;
            foreach (var (key, value) in state.Values) settings.Add(new SnapshotSetting(ns, key, value, "mqtt", "global", 0, Sensitive: false));
        }
        // Each namespace's message was verified on arrival; this document is only the provider's view of them.
        return new SnapshotDocument(revision, at, [.. _options.Namespaces], ["global"], settings, Signature: "");
    }

    private void CloseClient()
    {
        var client = Interlocked.Exchange(ref _client, null);
        var dropped = Interlocked.Exchange(ref _dropped, null);
        dropped?.Cancel();
        client?.Dispose();
        dropped?.Dispose();
    }

    private sealed record Received(string Topic, byte[] Payload);
}
