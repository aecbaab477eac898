namespace QueryTags.SignalR.Internal;

/// <summary>What the limits of untrusted input log: refusals of a client's call, waits, sends that failed, entries held back.</summary>
internal static partial class HubLimitsLog
{
    [LoggerMessage(12, LogLevel.Error, "Sending an invalidation failed after it was logged; the clients concerned learn of it from their cursors when they subscribe again.", EventName = nameof(DeliveryFailed))] public static partial void DeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(13, LogLevel.Information, "{Count} log entries about client input or repeated failures were held back (at most 20 at once, then 10 a second).", EventName = nameof(EntriesSuppressed))] public static partial void EntriesSuppressed(ILogger logger, long count);

    [LoggerMessage(14, LogLevel.Information, "Connection {ConnectionId}: {Method} was refused: {Reason}", EventName = nameof(CallRefused))] public static partial void CallRefused(ILogger logger, string connectionId, string method, string reason);

    [LoggerMessage(15, LogLevel.Debug, "Connection {ConnectionId} waited {Milliseconds} ms before its {Method}: it sends more than {Calls} calls or {Tags} tags a second.", EventName = nameof(CallThrottled))] public static partial void CallThrottled(ILogger logger, string connectionId, long milliseconds, string method, int calls, int tags);

    [LoggerMessage(16, LogLevel.Information, "A publish request to {Path} was refused: {Reason}", EventName = nameof(PublishRequestRefused))] public static partial void PublishRequestRefused(ILogger logger, string path, string reason);
}
