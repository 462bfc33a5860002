using Microsoft.Extensions.Logging;

namespace Strata.Tests.Client;

/// <summary>A logger factory that keeps every message (formatted), so a test can read what a client logged.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, int EventId, string Message)> _entries = [];

    public ILoggerFactory Factory => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    public string Text => string.Join('\n', Entries.Select(e => $"{e.Level} {e.EventId} {e.Message}"));

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
            lock (log._gate) log._entries.Add((logLevel, eventId.Id, formatter(state, exception) + (exception is null ? "" : " | " + exception)));
        }
    }
}
