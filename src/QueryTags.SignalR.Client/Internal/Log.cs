using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>What the client logs. Event ids are stable: filters and alerts may name them.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Subscribing the held tags again after a reconnect failed.", EventName = nameof(ResubscribeFailed))]
    public static partial void ResubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "A handler of {Event} threw.", EventName = nameof(HandlerFailed))]
    public static partial void HandlerFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Starting the connection failed (attempt {Attempt}); trying again in {RetryDelay}.", EventName = nameof(StartFailed))]
    public static partial void StartFailed(ILogger logger, int attempt, TimeSpan retryDelay, Exception exception);
}
