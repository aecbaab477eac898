namespace QueryTags.SignalR.Client.Internal;

/// <summary>What the client logs. Event ids are stable: filters and alerts may name them.</summary>
internal static partial class TagInvalidationClientLog
{
    [LoggerMessage(1, LogLevel.Warning, "Subscribing the held tags again after a reconnect failed.", EventName = nameof(ResubscribeFailed))] public static partial void ResubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "A handler of {Event} threw.", EventName = nameof(HandlerFailed))] public static partial void HandlerFailed(ILogger logger, string @event, Exception exception);

    // A warning for the first failed attempt of an outage, Debug for the attempts after it: one warning per outage.
    [LoggerMessage(EventId = 3, Message = "Starting the connection failed (attempt {Attempt}); trying again in {RetryDelay}.{Hint}", EventName = nameof(StartFailed))] public static partial void StartFailed(ILogger logger, LogLevel level, int attempt, TimeSpan retryDelay, string hint, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "The connection failed for good ({Failure}): {Hint}", EventName = nameof(ConnectionFailed))] public static partial void ConnectionFailed(ILogger logger, TagInvalidationFailure failure, string hint, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "The server refused tag {Tag} ({Rule}: {Reason}); the client no longer holds it. Handle the Rejected event to act on refusals.", EventName = nameof(TagRejected))] public static partial void TagRejected(ILogger logger, string tag, string rule, string reason);

    [LoggerMessage(6, LogLevel.Warning, "{Hint} Handle the Error event to act on it.", EventName = nameof(Unreachable))] public static partial void Unreachable(ILogger logger, string hint, Exception exception);
}
