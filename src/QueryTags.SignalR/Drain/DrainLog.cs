namespace QueryTags.SignalR.Internal;

/// <summary>A stopping node sending its hub connections elsewhere.</summary>
internal static partial class DrainLog
{
    [LoggerMessage(18, LogLevel.Information, "The host is stopping: the hub takes no new connections (503) and asked its {Count} connection(s) to reconnect elsewhere.", EventName = nameof(DrainStarted))] public static partial void DrainStarted(ILogger logger, int count);

    [LoggerMessage(19, LogLevel.Information, "Every hub connection left in {Milliseconds} ms.", EventName = nameof(Drained))] public static partial void Drained(ILogger logger, long milliseconds);

    [LoggerMessage(20, LogLevel.Warning, "{Connections} hub connection(s) and {Requests} transport request(s) were still open after TagInvalidationOptions.DrainTimeout ({Timeout}); SignalR cuts them, and their clients reconnect at once.", EventName = nameof(DrainTimedOut))] public static partial void DrainTimedOut(ILogger logger, int connections, int requests, TimeSpan timeout);
}
