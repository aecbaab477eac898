namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>The outbox relay's log messages, in this package's category; their event ids (10 and up) are stable.</summary>
internal static partial class OutboxRelayLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "The outbox of {Context} published row {RowId} as invalidation {Id} ({TagCount} tag(s)).", EventName = nameof(Published))] public static partial void Published(ILogger logger, string context, long rowId, string id, int tagCount);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The outbox of {Context} could not publish its waiting rows (attempt {Attempt}); it tries again in {Delay}. The rows stay until they are published.", EventName = nameof(RelayFailed))] public static partial void RelayFailed(ILogger logger, string context, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "The outbox of {Context} set row {RowId} (invalidation {Id}) aside: it cannot be published ({Reason}). Clients holding its tags may show stale data; the row keeps the reason in its Error column until someone deletes it. Tags: {Tags}", EventName = nameof(RowSetAside))] public static partial void RowSetAside(ILogger logger, string context, long rowId, string id, string reason, string tags);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "The outbox of {Context} published again after {Attempts} failed attempt(s).", EventName = nameof(Recovered))] public static partial void Recovered(ILogger logger, string context, int attempts);
}
