using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Strata.Client.Internal;

/// <summary>Reports applied revisions to the consumers view in the background: best effort, only the newest
/// pending revision is sent, and applying never waits for it.</summary>
internal sealed class ConsumerReporter
{
    private readonly Channel<long> _pending = Channel.CreateBounded<long>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private readonly StrataServerClient _server;
    private readonly ILogger _log;

    internal ConsumerReporter(StrataServerClient server, ILogger log)
    {
        _server = server;
        _log = log;
    }

    /// <summary>Raised after the server accepted a report (tests wait on it rather than on time).</summary>
    internal event Action<long>? Reported;

    internal void Report(long revision) => _pending.Writer.TryWrite(revision);

    internal async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var revision in _pending.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    await _server.ReportAsync(revision, timeout.Token).ConfigureAwait(false);
                    Reported?.Invoke(revision);
                }
                catch (Exception) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    ClientLog.ReportFailed(_log, revision, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
