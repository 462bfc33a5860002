using System.Net.ServerSentEvents;
using System.Text.Json;
using Strata.Client.Contracts;

namespace Strata.Client.Internal;

/// <summary>
/// The one background watch: opens <c>GET /api/v1/watch</c> from the applied revision, verifies every event before it
/// is applied, and reconnects (capped exponential backoff with jitter) on a lost stream, a dead one (no event or
/// heartbeat for three intervals), a <c>closing</c>, a <c>reset</c> or a bad signature, keeping the last values meanwhile.
/// </summary>
internal sealed class StrataWatch
{
    private readonly StrataConfigurationProvider _provider;
    private readonly StrataServerClient _server;
    private readonly ConsumerReporter _reporter;
    private readonly StrataClientOptions _options;
    private readonly TimeSpan _deadAfter;

    internal StrataWatch(StrataConfigurationProvider provider, StrataServerClient server, ConsumerReporter reporter, StrataClientOptions options)
    {
        _provider = provider;
        _server = server;
        _reporter = reporter;
        _options = options;
        _deadAfter = options.HeartbeatInterval * 3;
    }

    internal async Task RunAsync(CancellationToken stopping)
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), _options.MaxReconnectDelay);
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                if (_provider.NeedsSnapshot)
                {
                    // Bounded: a half-open connection must not keep a degraded client from ever recovering.
                    using var fetch = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    fetch.CancelAfter(_deadAfter);
                    _provider.ApplySnapshot(await _server.FetchSnapshotAsync(fetch.Token).ConfigureAwait(false));
                }
                delay = await FollowAsync(backoff, stopping).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                delay = backoff.Next();
                var reason = e is OperationCanceledException
                    ? $"no event or heartbeat for {_deadAfter}."
                    : e.Message;
                _provider.MarkDisconnected(reason);
                ClientLog.Disconnected(_provider.Log, reason, _provider.AppliedRevision, delay);
            }
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

    /// <summary>Follows one stream until it ends; returns how long to wait before the next one.</summary>
    private async Task<TimeSpan> FollowAsync(ReconnectBackoff backoff, CancellationToken stopping)
    {
        using var alive = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            return await FollowAsync(backoff, alive, stopping).ConfigureAwait(false);
        }
        // However the HTTP stack reports a read cut short by the dead-stream timer (a cancellation, or an IOException
        // around one), it is that: a silent stream.
        catch (Exception e) when (alive.IsCancellationRequested && !stopping.IsCancellationRequested && e is not StrataServerException)
        {
            throw new StrataServerException($"no event or heartbeat for {_deadAfter}.", transient: true, e);
        }
    }

    private async Task<TimeSpan> FollowAsync(ReconnectBackoff backoff, CancellationTokenSource alive, CancellationToken stopping)
    {
        alive.CancelAfter(_deadAfter);
        var since = _provider.AppliedRevision;
        using var response = await _server.OpenWatchAsync(since, alive.Token).ConfigureAwait(false);
        backoff.Reset();
        _provider.MarkConnected();
        _reporter.Report(since);
        ClientLog.Connected(_provider.Log, _options.Server!, since);

        await using var stream = await response.Content.ReadAsStreamAsync(alive.Token).ConfigureAwait(false);
        var parser = SseParser.Create(stream, (type, data) => WatchEventParser.Parse(type, data, _server.Verifier));
        await foreach (var item in parser.EnumerateAsync(alive.Token).ConfigureAwait(false))
        {
            var (kind, verified, document) = item.Data;
            if (kind == WatchItemKind.Other) continue;
            // Only Strata's own events show the stream is alive.
            alive.CancelAfter(_deadAfter);
            if (!verified)
            {
                var count = _provider.CountRejectedSignature();
                ClientLog.SignatureRejected(_provider.Log, item.EventType, item.EventId, count);
                throw new StrataServerException($"a {item.EventType} event's signature did not verify; it was not applied.", transient: true);
            }
            if (document is null)
                throw new StrataServerException($"a signed {item.EventType} event is not the documented shape; it was not applied.", transient: true);
            switch (document)
            {
                case ChangeEvent change:
                    _provider.ApplyChange(change);
                    break;
                // Current through the heartbeat's revision: the consumers view should not call this client behind
                // for commits its stream does not carry (other keys or scopes).
                case HeartbeatEvent beat when beat.Revision > _provider.AppliedRevision:
                    _reporter.Report(beat.Revision);
                    break;
                case ResetEvent reset:
                    ClientLog.Reset(_provider.Log, reset.Reason);
                    _provider.ApplySnapshot(await _server.FetchSnapshotAsync(alive.Token).ConfigureAwait(false));
                    _provider.MarkDisconnected($"reset by the server: {reset.Reason}");
                    return TimeSpan.Zero;
                case ClosingEvent closing:
                    // At least the server's hint, plus up to half again so a fleet does not return at once.
                    var delay = TimeSpan.FromMilliseconds(Math.Max(closing.RetryAfterMs, 100)) * (1 + Random.Shared.NextDouble() / 2);
                    _provider.MarkDisconnected($"the server closed the watch ({closing.Reason}).");
                    ClientLog.Closing(_provider.Log, closing.Reason, delay);
                    return delay;
            }
        }
        throw new StrataServerException("the server ended the watch stream.", transient: true);
    }
}
