using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.StackExchangeRedis.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "The {Role} lost its connection to Redis at {Endpoint}; invalidations fail or may be lost until it returns.", EventName = nameof(RedisConnectionLost))]
    public static partial void RedisConnectionLost(ILogger logger, string role, string endpoint, Exception? exception);

    [LoggerMessage(2, LogLevel.Information, "Every Redis connection is back; sent reset to {Connections} local connection(s).", EventName = nameof(RedisConnectionRestored))]
    public static partial void RedisConnectionRestored(ILogger logger, int connections);

    [LoggerMessage(3, LogLevel.Warning, "Resetting local clients after Redis came back failed; retrying.", EventName = nameof(ResetAfterRestoreFailed))]
    public static partial void ResetAfterRestoreFailed(ILogger logger, Exception exception);
}
