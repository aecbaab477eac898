using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>A logger provider that keeps the entries at warning and above (or another level), for tests that assert what a server logged.</summary>
public sealed class LogCapture(LogLevel minimum = LogLevel.Warning) : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Event, string Message, Exception? Exception)> Entries { get; } = new();

    public LogLevel Minimum { get; } = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= capture.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
            }
        }
    }
}

/// <summary>Sums what one instrument of the <c>QueryTags.SignalR</c> meter records while it is alive.</summary>
public sealed class CounterReading : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterReading(string instrument)
    {
        _listener.InstrumentPublished = (candidate, listener) =>
        {
            if (candidate.Meter.Name == "QueryTags.SignalR" && candidate.Name == instrument)
            {
                listener.EnableMeasurementEvents(candidate);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
