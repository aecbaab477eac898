using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>Keeps what is logged to it, so a test can read the level, event and message.</summary>
internal class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, EventId Event, string Message, Exception? Exception)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception), exception));
        }
    }
}

/// <summary>A <see cref="RecordingLogger"/> for a class that takes an <see cref="ILogger{T}"/>.</summary>
internal sealed class RecordingLogger<T> : RecordingLogger, ILogger<T>;
