using StackExchange.Redis;

namespace QueryTags.SignalR.StackExchangeRedis;

/// <summary>Where the shared invalidation log lives when several nodes serve the hub.</summary>
public sealed class RedisInvalidationLogOptions
{
    /// <summary>A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>
    /// Full connection options; when set, <see cref="Configuration"/> is ignored. Their <c>ReconnectRetryPolicy</c>
    /// is used as it is (StackExchange.Redis's exponential back-off when none was set); with a
    /// <see cref="Configuration"/> string, or through <c>AddStackExchangeRedisScaleOut</c>, the log reconnects every second.
    /// </summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>
    /// Prefix of the log's keys. Default <c>querytags:{log}:</c>; the braces keep every key in one Redis
    /// Cluster slot, as the log's scripts need.
    /// </summary>
    public string KeyPrefix { get; set; } = "querytags:{log}:";

    /// <summary>
    /// Reconnect every second: a node resets its clients only once every Redis connection is back, so a long
    /// exponential back-off would keep them waiting (and invalidations failing).
    /// </summary>
    internal static LinearRetry ReconnectEverySecond() => new(1000);

    internal ConfigurationOptions Build()
    {
        var options = ConfigurationOptions?.Clone();
        if (options is null)
        {
            // A configuration string cannot name a policy. (ConfigurationOptions answers one even when none was set,
            // its default back-off, so options given whole keep theirs: it cannot be told whether it was chosen.)
            options = StackExchange.Redis.ConfigurationOptions.Parse(Configuration);
            options.ReconnectRetryPolicy = ReconnectEverySecond();
        }

        // Keep retrying in the background, and fail commands at once while disconnected: an invalidation
        // that waits in a backlog looks like success to nobody and delays the error its caller must see.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }
}
