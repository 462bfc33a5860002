using System.Text.Json;
using Microsoft.Extensions.Logging;
using Strata.Storage;

namespace Strata.Audit;

/// <summary>
/// Audits refused requests without letting a flood of them fill the disk or slow writes. Per source (client address,
/// an IPv6 /64, and actor) and interval, each distinct refusal (reason, permission, method, path) is recorded as it
/// happens, up to <see cref="DistinctPerSource"/> per source and <see cref="ImmediatePerInterval"/> in all; the rest
/// are only counted, and one <c>access.denied</c> row per source with the count closes the interval. Nothing about a
/// refusal is ever dropped silently.
/// </summary>
internal sealed partial class DeniedRequestLog : IAsyncDisposable
{
    public const int DistinctPerSource = 20;
    public const int ImmediatePerInterval = 1_000;
    private const int MaxSources = 10_000;
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Func<IReadOnlyList<AuditRecord>, Task> _write;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<(string? Source, string Actor), Source> _sources = [];
    private int _immediate;
    private Task _flusher = Task.CompletedTask;

    public DeniedRequestLog(Func<IReadOnlyList<AuditRecord>, Task> write, TimeProvider time, ILogger logger)
    {
        _write = write;
        _time = time;
        _logger = logger;
    }

    public void Start() => _flusher = Task.Run(FlushLoopAsync);

    /// <summary>Records the refusal now (durably), or counts it for the interval's summary row of its source.</summary>
    public Task RecordAsync(AuditRecord denied, string? source, string reason, string permission, string method, string? path)
    {
        lock (_gate)
        {
            var id = (source, denied.Actor);
            if (!_sources.TryGetValue(id, out var from))
            {
                // Past the cap every new source shares one counter: memory stays bounded whatever the flood.
                if (_sources.Count >= MaxSources) id = (null, "*");
                if (!_sources.TryGetValue(id, out from)) _sources[id] = from = new Source(denied.At);
            }
            from.Last = denied.At;
            if (id.Actor != "*" && _immediate < ImmediatePerInterval && from.Seen.Count < DistinctPerSource
                && from.Seen.Add((reason, permission, method, path)))
            {
                _immediate++;
                return _write([denied]);
            }
            from.Coalesced++;
            from.LastPath = path;
            return Task.CompletedTask;
        }
    }

    /// <summary>Writes one summary row per source whose refusals were counted, and starts a new interval.</summary>
    public Task FlushAsync()
    {
        Dictionary<(string? Source, string Actor), Source> closed;
        lock (_gate)
        {
            closed = _sources;
            _sources = [];
            _immediate = 0;
        }
        var rows = closed.Where(s => s.Value.Coalesced > 0).Select(s => new AuditRecord(0, _time.GetUtcNow().ToUnixTimeMilliseconds(), s.Key.Actor,
            "access.denied", "denied", Client: s.Key.Source,
            Detail: JsonSerializer.Serialize(new
            {
                reason = "repeated",
                coalesced = s.Value.Coalesced,
                from = DateTimeOffset.FromUnixTimeMilliseconds(s.Value.First),
                to = DateTimeOffset.FromUnixTimeMilliseconds(s.Value.Last),
                lastPath = s.Value.LastPath,
            }))).ToList();
        return rows.Count == 0 ? Task.CompletedTask : _write(rows);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _flusher.ConfigureAwait(false);
        try { await FlushAsync().ConfigureAwait(false); }
        catch (StoreUnavailableException e) { LogSummaryFailed(_logger, e); }
    }

    private async Task FlushLoopAsync()
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try { await FlushAsync().ConfigureAwait(false); }
                catch (StoreUnavailableException e) { LogSummaryFailed(_logger, e); }
            }
        }
        catch (OperationCanceledException) { }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Could not write the summary of repeated refused requests to the audit log")]
    private static partial void LogSummaryFailed(ILogger logger, Exception e);

    private sealed class Source(long first)
    {
        public HashSet<(string, string, string, string?)> Seen { get; } = [];
        public long First { get; } = first;
        public long Last { get; set; } = first;
        public long Coalesced { get; set; }
        public string? LastPath { get; set; }
    }
}
