using Microsoft.Extensions.Logging;

namespace Strata.Tests.Client;

/// <summary>A logger factory that keeps every message (formatted), so a test can read what a client logged.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, int EventId, string Message)> _entries = [];
    private readonly List<(Func<(LogLevel Level, int EventId, string Message), bool> Match, TaskCompletionSource Done)> _waiters = [];

    public ILoggerFactory Factory => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    public string Text => string.Join('\n', Entries.Select(e => $"{e.Level} {e.EventId} {e.Message}"));

    /// <summary>Completes when an entry with <paramref name="eventId"/> (and containing <paramref name="text"/>) is logged, counting those already logged.</summary>
    public Task WaitForAsync(int eventId, string? text = null, int seconds = 30)
    {
        bool Match((LogLevel Level, int EventId, string Message) e) => e.EventId == eventId && (text is null || e.Message.Contains(text, StringComparison.Ordinal));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_entries.Any(Match)) return Task.CompletedTask;
            _waiters.Add((Match, done));
        }
        return done.Task.WaitAsync(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>Forgets what was logged so far (a test then waits only for what comes next).</summary>
    public void Clear()
    {
        lock (_gate) _entries.Clear();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = (logLevel, eventId.Id, formatter(state, exception) + (exception is null ? "" : " | " + exception));
            lock (log._gate)
            {
                log._entries.Add(entry);
                foreach (var w in log._waiters.Where(w => w.Match(entry)).ToList())
                {
                    w.Done.TrySetResult();
                    log._waiters.Remove(w);
                }
            }
        }
    }
}
