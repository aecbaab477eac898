using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.Internal;

/// <summary>What goes wrong around a publish that still went out (an eviction) or after the change it reports (an endpoint's).</summary>
internal static partial class Log
{
    [LoggerMessage(10, LogLevel.Error, "Evicting server caches for invalidation {Id} with {Evictor} failed; the invalidation is sent anyway, and a client may refetch a stale cached answer.", EventName = nameof(EvictionFailed))]
    public static partial void EvictionFailed(ILogger logger, string id, string evictor, Exception exception);

    [LoggerMessage(30, LogLevel.Error, "Evicting every server-cache entry known by query tags ({Reason}) failed; clients are not told to refetch until it succeeds, so they are not answered from what the caches may hold.", EventName = nameof(EvictAllFailed))]
    public static partial void EvictAllFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(31, LogLevel.Information, "Evicted every server-cache entry known by query tags from {Count} cache(s) ({Reason}) before telling clients to refetch.", EventName = nameof(EvictedAll))]
    public static partial void EvictedAll(ILogger logger, string reason, int count);

    [LoggerMessage(11, LogLevel.Error, "The endpoint {Endpoint} answered {StatusCode}, but invalidating its tags failed: the change stands and no client was told of it. The response keeps its status and carries no invalidation headers.", EventName = nameof(EndpointPublishFailed))]
    public static partial void EndpointPublishFailed(ILogger logger, string endpoint, int statusCode, Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "A publish request to {Path} was answered 503: the invalidation log is unreachable, so nothing was published.", EventName = nameof(PublishLogUnavailable))]
    public static partial void PublishLogUnavailable(ILogger logger, string path, Exception exception);
}
