namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>This package's log messages; their event ids are stable.</summary>
internal static partial class ChangeCaptureLog
{
    [LoggerMessage(1, LogLevel.Information, "Capturing changes from slot {Slot} (publication {Publication}).", EventName = nameof(Consuming))] public static partial void Consuming(ILogger logger, string slot, string publication);

    [LoggerMessage(2, LogLevel.Debug, "Slot {Slot} is read by another node; this one takes over if it stops.", EventName = nameof(StandingBy))] public static partial void StandingBy(ILogger logger, string slot);

    [LoggerMessage(3, LogLevel.Warning, "Reading changes from slot {Slot} failed; retrying in {Delay}.", EventName = nameof(StreamFailed))] public static partial void StreamFailed(ILogger logger, string slot, TimeSpan delay, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Publishing the invalidation of transaction {Lsn} failed; it is published again in {Delay}, and the slot does not move until it is.", EventName = nameof(PublishFailed))] public static partial void PublishFailed(ILogger logger, string lsn, TimeSpan delay, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "The tags of a row of {Table} could not be computed; they are left out of its transaction's invalidation.", EventName = nameof(TagsFailed))] public static partial void TagsFailed(ILogger logger, string table, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Captured changes were lost or cannot be named ({Reason}); evicting server caches and sending reset to this node's clients.", EventName = nameof(ChangesLost))] public static partial void ChangesLost(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Sending reset after lost changes failed; retrying.", EventName = nameof(ResetFailed))] public static partial void ResetFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "Transaction {Lsn}: {Rows} row(s), published {TagCount} tag(s) as invalidation {Id}.", EventName = nameof(Published))] public static partial void Published(ILogger logger, string lsn, int rows, int tagCount, string id);

    [LoggerMessage(9, LogLevel.Warning, "Transaction {Lsn} changed {Rows} row(s) with more than {Max} distinct tags; published their prefixes instead ({TagCount} tag(s)).", EventName = nameof(TagsCollapsed))] public static partial void TagsCollapsed(ILogger logger, string lsn, int rows, int max, int tagCount);

    [LoggerMessage(10, LogLevel.Error, "The tags of transaction {Lsn} break a rule and cannot be published; clients are sent reset instead.", EventName = nameof(TagsRefused))] public static partial void TagsRefused(ILogger logger, string lsn, Exception exception);
}
