using StackExchange.Redis;

namespace QueryTags.SignalR.StackExchangeRedis;

/// <summary>Where the shared invalidation log lives when several nodes serve the hub.</summary>
public sealed class RedisInvalidationLogOptions
{
    /// <summary>A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Full connection options; when set, <see cref="Configuration"/> is ignored.</summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>
    /// Prefix of the log's keys. Default <c>querytags:{log}:</c>; the braces keep every key in one Redis
    /// Cluster slot, as the log's scripts need.
    /// </summary>
    public string KeyPrefix { get; set; } = "querytags:{log}:";

    internal ConfigurationOptions Build()
    {
        var options = ConfigurationOptions?.Clone() ?? StackExchange.Redis.ConfigurationOptions.Parse(Configuration);

        // Keep retrying in the background, and fail commands at once while disconnected: an invalidation
        // that waits in a backlog looks like success to nobody and delays the error its caller must see.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy ??= new LinearRetry(1000);
        return options;
    }
}
