namespace QueryTags.SignalR.StackExchangeRedis.Internal;

internal static partial class RedisOutageLog
{
    [LoggerMessage(1, LogLevel.Error, "The {Role} lost its connection to Redis at {Endpoint}; invalidations fail or may be lost until it returns.", EventName = nameof(RedisConnectionLost))] public static partial void RedisConnectionLost(ILogger logger, string role, string endpoint, Exception? exception);

    [LoggerMessage(2, LogLevel.Information, "Every Redis connection is back; evicted server caches and sent reset to {Connections} local connection(s).", EventName = nameof(RedisConnectionRestored))] public static partial void RedisConnectionRestored(ILogger logger, int connections);

    [LoggerMessage(9, LogLevel.Error, "The invalidation log in Redis lost its past (new epoch {Epoch}: Redis restarted without persistence, or its data was flushed); evicting server caches and resetting local clients.", EventName = nameof(RedisLogLost))] public static partial void RedisLogLost(ILogger logger, string epoch);

    [LoggerMessage(3, LogLevel.Warning, "Evicting server caches and resetting local clients after Redis came back failed; retrying.", EventName = nameof(ResetAfterRestoreFailed))] public static partial void ResetAfterRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "A user's hub connections were closed on this node, but the other nodes could not be told (Redis at {Endpoint}): that user's connections on other nodes stay open until they reconnect.", EventName = nameof(CloseNotPublished))] public static partial void CloseNotPublished(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "A message on the channel {Channel} is not one this version of QueryTags.SignalR reads; it was ignored.", EventName = nameof(CloseMessageUnreadable))] public static partial void CloseMessageUnreadable(ILogger logger, string channel);

    [LoggerMessage(6, LogLevel.Warning, "Subscribing to the channel {Channel} failed; it is subscribed when Redis is back, and until then sign-outs on other nodes do not close this node's connections.", EventName = nameof(CloseChannelNotSubscribedYet))] public static partial void CloseChannelNotSubscribedYet(ILogger logger, string channel, Exception exception);
}
