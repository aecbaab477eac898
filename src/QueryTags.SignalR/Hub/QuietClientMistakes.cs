using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The logger factory of the hub's connection handler: SignalR logs every exception a hub method throws as an error
/// with its stack, the refusals of a client's mistakes (<see cref="ClientMistake"/>) included. Those are
/// written at debug level without the exception instead; the hub logs them itself, rate-limited, at information
/// level. Everything else passes through unchanged.
/// </summary>
internal sealed class QuietClientMistakes(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Demoting(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The application's factory is not this one's to dispose.
    }

    private sealed class Demoting(ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (ClientMistake.Is(exception))
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.Log(LogLevel.Debug, eventId, state, null, formatter);
                }

                return;
            }

            logger.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
