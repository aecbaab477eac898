using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryTags.SignalR;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Moves the invalidation log to Redis, for several nodes behind SignalR's Redis backplane.</summary>
public static class RedisInvalidationLogBuilderExtensions
{
    /// <summary>Keeps the invalidation log in Redis at <paramref name="configuration"/>.</summary>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ITagInvalidationBuilder AddRedisLog(this ITagInvalidationBuilder builder, string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisLog(options => options.Configuration = configuration);
    }

    /// <summary>
    /// Keeps the invalidation log in Redis, so every node answers cursors alike, and registers the health check
    /// <c>querytags-redis-log</c> (map it with <c>app.MapHealthChecks(...)</c>). Use it together with
    /// <c>.AddSignalR().AddStackExchangeRedis(...)</c>, which carries the invalidations between nodes.
    /// </summary>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configure">Sets the connection and the key prefix.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ITagInvalidationBuilder AddRedisLog(this ITagInvalidationBuilder builder, Action<RedisInvalidationLogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisInvalidationLogOptions>().Configure(configure)
            .Validate(options => options.ConfigurationOptions is not null || !string.IsNullOrWhiteSpace(options.Configuration),
                "RedisInvalidationLogOptions needs a Configuration (such as '127.0.0.1:6379') or ConfigurationOptions.")
            .Validate(options => !string.IsNullOrEmpty(options.KeyPrefix), "RedisInvalidationLogOptions.KeyPrefix must not be empty.")
            .ValidateOnStart();
        services.TryAddSingleton<RedisOutageMonitor>();
        services.TryAddSingleton<RedisInvalidationLog>();

        // Watch SignalR's own backplane connection too: its subscriptions must be back before a reset helps.
        services.AddOptions<RedisOptions>().PostConfigure<RedisOutageMonitor>((redis, outages) =>
        {
            var connect = redis.ConnectionFactory;
            var configuration = redis.Configuration;
            redis.ConnectionFactory = async log =>
            {
                var connection = connect is null
                    ? await ConnectionMultiplexer.ConnectAsync(configuration, log)
                    : await connect(log);
                outages.Watch(connection, "SignalR backplane");
                return connection;
            };
        });
        services.Replace(ServiceDescriptor.Singleton<IInvalidationLog>(provider => provider.GetRequiredService<RedisInvalidationLog>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisInvalidationLog>(provider => provider.GetRequiredService<RedisInvalidationLog>()));
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(RedisInvalidationLogHealthCheck)))
        {
            services.AddSingleton<RedisInvalidationLogHealthCheck>();
            services.AddHealthChecks().AddCheck<RedisInvalidationLogHealthCheck>("querytags-redis-log");
        }

        return builder;
    }
}
