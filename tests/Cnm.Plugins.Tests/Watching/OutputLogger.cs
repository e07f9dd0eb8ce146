using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Cnm.Plugins.Tests.Watching;

/// <summary>Writes log lines to the test output, with milliseconds since creation, to see what a watcher test did.</summary>
public sealed class OutputLogger(ITestOutputHelper output) : ILoggerProvider, ILogger
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{Stopwatch.GetElapsedTime(_start).TotalMilliseconds,8:0.0} {logLevel} {eventId.Id} {formatter(state, exception)}");
        }
        catch (InvalidOperationException)
        {
            // the test has finished
        }
    }

    public void Dispose()
    {
    }
}
