using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Strata.Cluster;
using Strata.Engine;

namespace Strata.Mqtt;

/// <summary>
/// Publishes every revision of the engine's change feed to the broker while this instance holds the lease
/// <see cref="Lease"/>, in revision order, each namespace's message retained at QoS 1. On every connection it
/// republishes every namespace's state, then replays from the last revision the broker acknowledged, so an outage
/// loses nothing. It runs beside the server: a broker that is down or refuses never reaches a request or a commit.
/// </summary>
internal sealed class MqttBridge : IHostedLifecycleService, IDisposable
{
    public const string Lease = "bridge:mqtt";

    private readonly SettingsEngine _engine;
    private readonly IClusterLeases _leases;
    private readonly StrataMqttOptions _options;
    private readonly MqttEndpoint _endpoint;
    private readonly MqttBridgeStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    // The last revision whose every message the broker acknowledged (PUBACK): where a new connection resumes.
    private long? _acknowledged;

    public MqttBridge(SettingsEngine engine, IClusterLeases leases, IOptions<StrataMqttOptions> options, MqttEndpoint endpoint,
        MqttBridgeStatus status, TimeProvider time, ILogger<MqttBridge> logger)
    {
        _engine = engine;
        _leases = leases;
        _options = options.Value;
        _endpoint = endpoint;
        _status = status;
        _time = time;
        _logger = logger;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // After every StartAsync: the engine has loaded the store by now.
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Before any StopAsync, so the bridge is done before the engine drains and closes.
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));
        while (!stop.IsCancellationRequested)
        {
            _status.Set(MqttBridgeState.Standby);
            ClusterLease lease;
            try
            {
                lease = await _leases.AcquireAsync(Lease, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The shared store is down: the lease comes back with it.
                _status.Set(MqttBridgeState.Disconnected, $"lease: {e.Message}");
                if (!await DelayAsync(backoff.Next(), stop).ConfigureAwait(false)) return;
                continue;
            }
            await using (lease.ConfigureAwait(false))
            {
                MqttBridgeLog.LeaseAcquired(_logger, Lease);
                using var held = CancellationTokenSource.CreateLinkedTokenSource(stop, lease.Lost);
                await PublishWhileHeldAsync(held.Token).ConfigureAwait(false);
                if (lease.Lost.IsCancellationRequested && !stop.IsCancellationRequested) MqttBridgeLog.LeaseLost(_logger, Lease);
            }
        }
    }

    private async Task PublishWhileHeldAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));
        while (!ct.IsCancellationRequested)
        {
            _status.Set(MqttBridgeState.Connecting);
            string reason;
            try
            {
                reason = await ConnectAndPublishAsync(backoff, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                reason = e.Message;
            }
            var delay = backoff.Next();
            _status.Set(MqttBridgeState.Disconnected, reason);
            MqttBridgeLog.Disconnected(_logger, _endpoint.Server, reason, (long)delay.TotalMilliseconds);
            if (!await DelayAsync(delay, ct).ConfigureAwait(false)) return;
        }
    }

    /// <summary>Connects and publishes until the connection drops; returns why it dropped.</summary>
    private async Task<string> ConnectAndPublishAsync(Backoff backoff, CancellationToken ct)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        using var dropped = new CancellationTokenSource();
        var reason = "the connection closed";
        Task OnDisconnected(MqttClientDisconnectedEventArgs e)
        {
            reason = e.Exception?.Message ?? (string.IsNullOrEmpty(e.ReasonString) ? e.Reason.ToString() : e.ReasonString);
            try
            {
                dropped.Cancel();
            }
            // A late event from a client already done with.
            catch (ObjectDisposedException)
            {
            }
            return Task.CompletedTask;
        }
        client.DisconnectedAsync += OnDisconnected;
        try
        {
            using var connected = CancellationTokenSource.CreateLinkedTokenSource(ct, dropped.Token);
            var result = await client.ConnectAsync(_endpoint.ClientOptions(_options), connected.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                return $"the broker refused the connection: {result.ResultCode}";
            _status.Set(MqttBridgeState.Connected);
            try
            {
                await PublishAsync(client, backoff, connected.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (dropped.IsCancellationRequested && !ct.IsCancellationRequested)
            {
            }
            return reason;
        }
        finally
        {
            client.DisconnectedAsync -= OnDisconnected;
            if (client.IsConnected)
            {
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), bounded.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
                {
                }
            }
        }
    }

    private async Task PublishAsync(IMqttClient client, Backoff backoff, CancellationToken ct)
    {
        var current = _engine.Current;
        var names = _engine.NamespaceNames(current).ToList();
        MqttBridgeLog.Connected(_logger, _endpoint.Server, names.Count, current.Revision);
        var at = _engine.Now;
        foreach (var ns in names)
            await SendAsync(client, ns, NamespaceMessage.Render(_engine, current, ns, NamespaceMessage.State, current.Revision, at, []), ct).ConfigureAwait(false);
        backoff.Reset();

        var maxReplay = _engine.Options.Watch.MaxReplay;
        var state = current;
        var after = current.Revision;
        if (_acknowledged is { } acknowledged && acknowledged < current.Revision && current.Revision - acknowledged <= maxReplay)
        {
            after = acknowledged;
            state = await _engine.SnapshotAtAsync(null, acknowledged, ct).ConfigureAwait(false);
            MqttBridgeLog.Resuming(_logger, acknowledged);
        }
        else Acknowledge(current.Revision);

        var feed = FeedFollower.FollowAsync(_engine, after, static _ => true, ct,
            resetWhen: (from, revision) => from > revision || revision - from > maxReplay ? "beyond replay" : null);
        await foreach (var e in feed.ConfigureAwait(false))
        {
            switch (e.Event)
            {
                case ChangeEvent.Updated:
                    state = state.With(e.Changed.Select(c => c.State), e.Revision);
                    foreach (var ns in NamespaceMessage.Namespaces(e))
                        await SendAsync(client, ns, NamespaceMessage.Render(_engine, state, ns, NamespaceMessage.Updated, e.Revision, e.At,
                            NamespaceMessage.ChangedKeys(e, ns)), ct).ConfigureAwait(false);
                    break;
                case ChangeEvent.Reloaded:
                    state = e.Snapshot ?? _engine.Current;
                    var reloaded = _engine.NamespaceNames(state).ToList();
                    foreach (var ns in reloaded)
                        await SendAsync(client, ns, NamespaceMessage.Render(_engine, state, ns, NamespaceMessage.Reloaded, e.Revision, e.At, []), ct).ConfigureAwait(false);
                    MqttBridgeLog.Reloaded(_logger, reloaded.Count, e.Revision);
                    break;
                case ChangeEvent.Reset:
                    // Too far behind to replay: the whole state instead.
                    state = await _engine.SnapshotAtAsync(null, e.Revision, ct).ConfigureAwait(false);
                    foreach (var ns in _engine.NamespaceNames(state))
                        await SendAsync(client, ns, NamespaceMessage.Render(_engine, state, ns, NamespaceMessage.State, state.Revision, e.At, []), ct).ConfigureAwait(false);
                    break;
                default:
                    continue;
            }
            Acknowledge(e.Revision);
        }
    }

    private void Acknowledge(long revision)
    {
        _acknowledged = revision;
        _status.Published(revision);
    }

    private async Task SendAsync(IMqttClient client, string ns, byte[] payload, CancellationToken ct)
    {
        var topic = _endpoint.Topic(ns);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .Build();
        // Completes on the broker's PUBACK: only then does the revision count as published.
        var result = await client.PublishAsync(message, ct).ConfigureAwait(false);
        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
            throw new MqttPublishRefusedException(topic, result.ReasonString ?? result.ReasonCode.ToString());
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
