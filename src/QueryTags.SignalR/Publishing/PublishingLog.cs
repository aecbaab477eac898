namespace QueryTags.SignalR.Internal;

/// <summary>What goes wrong around a publish that still went out (an eviction) or after the change it reports (an endpoint's).</summary>
internal static partial class PublishingLog
{
    [LoggerMessage(10, LogLevel.Error, "Evicting server caches for invalidation {Id} with {Evictor} failed; the invalidation is sent anyway, and a client may refetch a stale cached answer.", EventName = nameof(EvictionFailed))] public static partial void EvictionFailed(ILogger logger, string id, string evictor, Exception exception);

    [LoggerMessage(30, LogLevel.Error, "Evicting every server-cache entry known by query tags ({Reason}) failed; clients are not told to refetch until it succeeds, so they are not answered from what the caches may hold.", EventName = nameof(EvictAllFailed))] public static partial void EvictAllFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(31, LogLevel.Information, "Evicted every server-cache entry known by query tags from {Count} cache(s) ({Reason}) before telling clients to refetch.", EventName = nameof(EvictedAll))] public static partial void EvictedAll(ILogger logger, string reason, int count);

    [LoggerMessage(32, LogLevel.Information, "A response to {Path} was stored in the output cache while {Count} of its tags were invalidated; they are published again, so the entry is evicted and its readers refetch.", EventName = nameof(CacheFillRepaired))] public static partial void CacheFillRepaired(ILogger logger, string path, int count);

    [LoggerMessage(33, LogLevel.Error, "A response to {Path} may have been stored in the output cache after a change of its tags, and publishing them again failed; the entry may be stale until it expires or its tags change again.", EventName = nameof(CacheFillRepairFailed))] public static partial void CacheFillRepairFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(34, LogLevel.Warning, "Invalidation {Id} with {Tags} tag(s) was logged but its sends were never confirmed (its node died, or they failed); sent again to {Groups} group(s).", EventName = nameof(InvalidationResent))] public static partial void InvalidationResent(ILogger logger, string id, int tags, int groups);

    [LoggerMessage(35, LogLevel.Warning, "Telling the log that invalidation {Cursor} was sent failed; it will be sent again, and its recipients apply it once.", EventName = nameof(SendNotConfirmed))] public static partial void SendNotConfirmed(ILogger logger, string cursor, Exception exception);

    [LoggerMessage(36, LogLevel.Warning, "Sending again the invalidations the log holds unsent failed; trying again shortly.", EventName = nameof(UnsentSweepFailed))] public static partial void UnsentSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Error, "The endpoint {Endpoint} answered {StatusCode}, but invalidating its tags failed: the change stands and no client was told of it. The response keeps its status and carries no invalidation headers.", EventName = nameof(EndpointPublishFailed))] public static partial void EndpointPublishFailed(ILogger logger, string endpoint, int statusCode, Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "A publish request to {Path} was answered 503: the invalidation log is unreachable, so nothing was published.", EventName = nameof(PublishLogUnavailable))] public static partial void PublishLogUnavailable(ILogger logger, string path, Exception exception);
}
