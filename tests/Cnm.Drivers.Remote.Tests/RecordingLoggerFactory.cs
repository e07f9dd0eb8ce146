using Microsoft.Extensions.Logging;

namespace Cnm.Drivers.Remote.Tests;

/// <summary>A logger factory that keeps every entry at every level, for tests of what is logged and how.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly Lock _lock = new();
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }
    }

    private sealed class Logger(RecordingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}

/// <summary>One log entry: the message as formatted (without the exception), and the exception if any.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {EventId} {Category}: {Message}{(Exception is null ? "" : " [+exception]")}";
}
