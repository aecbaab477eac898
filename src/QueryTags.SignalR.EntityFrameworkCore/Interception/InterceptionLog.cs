namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>This package's log messages; their event ids are stable.</summary>
internal static partial class InterceptionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Context} saved its changes, but publishing the invalidation of {TagCount} tag(s) failed; clients holding them keep stale data until they refetch. Tags: {Tags}", EventName = nameof(PublishFailed))] public static partial void PublishFailed(ILogger logger, string context, int tagCount, string tags, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The tags of an entity of type {EntityType} ({Change}) could not be computed; they are left out of its invalidation.", EventName = nameof(TagsFailed))] public static partial void TagsFailed(ILogger logger, string change, string entityType, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Context} saved its changes; published {TagCount} tag(s) as invalidation {Id}.", EventName = nameof(Published))] public static partial void Published(ILogger logger, string context, int tagCount, string id);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "A transaction of {Context} ended without a commit that EF Core saw; the {TagCount} tag(s) saved in it are not published.", EventName = nameof(TransactionTagsDropped))] public static partial void TransactionTagsDropped(ILogger logger, string context, int tagCount);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Context} saved its changes and their invalidation {Id} ({TagCount} tag(s)) in the outbox, but publishing it failed; the outbox relay publishes it once the log answers again.", EventName = nameof(OutboxPublishFailed))] public static partial void OutboxPublishFailed(ILogger logger, string context, int tagCount, string id, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Context} declares the tags its changes invalidate (InvalidatesTags or UseTagInvalidationConvention), but its options lack the interceptor: its saves publish no invalidation, and clients keep stale data. Add it where the context is configured: AddDbContext<{Context}>((services, options) => options.Use...(...).UseTagInvalidation(services)). Said once per model.", EventName = nameof(InterceptorMissing))] public static partial void InterceptorMissing(ILogger logger, string context);
}
