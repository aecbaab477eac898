using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using QueryTags.SignalR;
using QueryTags.SignalR.StackExchangeRedis;
using QueryTags.SignalR.StackExchangeRedis.Internal;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scale-out on Redis: SignalR's Redis backplane carries invalidations between nodes, and the invalidation log lives in Redis.</summary>
public static class RedisTagInvalidationBuilderExtensions
{
    /// <summary>The name of the health check the Redis log registers.</summary>
    public const string HealthCheckName = "querytags-redis-log";

    /// <summary>
    /// Wires scale-out in one call: SignalR's Redis backplane and the invalidation log on the same Redis at
    /// <paramref name="configuration"/>, the outage recovery and the health check <c>querytags-redis-log</c>. Its
    /// name is apart from SignalR's own <c>.AddStackExchangeRedis(...)</c> (the backplane alone), which the builder
    /// after <c>.AddSignalR()</c> offers too.
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on (before or after <c>.AddSignalR()</c>).</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddStackExchangeRedisScaleOut<TBuilder>(this TBuilder builder, string configuration)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddStackExchangeRedisScaleOut(ConfigurationOptions.Parse(configuration));
    }

    /// <summary>
    /// Wires scale-out in one call: SignalR's Redis backplane and the invalidation log on the same Redis, the
    /// outage recovery and the health check <c>querytags-redis-log</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on (before or after <c>.AddSignalR()</c>).</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configuration">The Redis connection; each of the two connections gets a copy.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddStackExchangeRedisScaleOut<TBuilder>(this TBuilder builder, ConfigurationOptions configuration)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);

        // Copied now: the options are built when first resolved, after the caller may have changed its object.
        var registered = configuration.Clone();
        builder.Services.AddSignalR().AddStackExchangeRedis(backplane =>
        {
            backplane.Configuration = registered.Clone();
            backplane.Configuration.ReconnectRetryPolicy = RedisInvalidationLogOptions.ReconnectEverySecond();
        });
        return builder.AddStackExchangeRedisInvalidationLog(log =>
        {
            log.ConfigurationOptions = registered.Clone();
            log.ConfigurationOptions.ReconnectRetryPolicy = RedisInvalidationLogOptions.ReconnectEverySecond();
        });
    }

    /// <summary>Keeps the invalidation log in Redis at <paramref name="configuration"/>; see <see cref="AddStackExchangeRedisInvalidationLog{TBuilder}(TBuilder, Action{RedisInvalidationLogOptions})"/>.</summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on (before or after <c>.AddSignalR()</c>).</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddStackExchangeRedisInvalidationLog<TBuilder>(this TBuilder builder, string configuration)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddStackExchangeRedisInvalidationLog(options => options.Configuration = configuration);
    }

    /// <summary>
    /// Keeps the invalidation log in Redis, so every node answers cursors alike, and registers the outage
    /// recovery and the health check <c>querytags-redis-log</c> (map it with <c>app.MapHealthChecks(...)</c>);
    /// <see cref="IUserConnections"/> then closes a user's connections on every node.
    /// Use it with <c>.AddSignalR().AddStackExchangeRedis(...)</c>, which carries the invalidations between nodes;
    /// <see cref="AddStackExchangeRedisScaleOut{TBuilder}(TBuilder, string)"/> does both.
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on (before or after <c>.AddSignalR()</c>).</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configure">Sets the connection and the key prefix.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddStackExchangeRedisInvalidationLog<TBuilder>(this TBuilder builder, Action<RedisInvalidationLogOptions> configure)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisInvalidationLogOptions>().Configure(configure)
            .Validate(options => options.ConfigurationOptions is not null || !string.IsNullOrWhiteSpace(options.Configuration),
                "RedisInvalidationLogOptions needs a Configuration (such as '127.0.0.1:6379') or ConfigurationOptions.")
            .Validate(options => !string.IsNullOrEmpty(options.KeyPrefix), "RedisInvalidationLogOptions.KeyPrefix must not be empty.")
            .ValidateOnStart();
        services.Replace(ServiceDescriptor.Singleton<InvalidationLog>(provider => provider.GetRequiredService<RedisInvalidationLog>()));
        services.Replace(ServiceDescriptor.Singleton<IUserConnections>(provider => provider.GetRequiredService<RedisUserConnections>()));
        if (services.Any(descriptor => descriptor.ServiceType == typeof(RedisConnections)))
        {
            return builder;
        }

        services.AddSingleton<RedisConnections>();
        services.AddSingleton<RedisLogEpochs>();
        services.AddSingleton<RedisInvalidationLog>();
        services.AddSingleton<RedisOutageMonitor>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<RedisInvalidationLog>());
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<RedisOutageMonitor>());
        services.AddSingleton<RedisUserConnections>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<RedisUserConnections>());
        services.AddSingleton<RedisInvalidationLogHealthCheck>();
        services.AddHealthChecks().AddCheck<RedisInvalidationLogHealthCheck>(HealthCheckName);

        // Watch SignalR's own backplane connection too: its subscriptions must be back before a reset helps.
        services.AddOptions<RedisOptions>().PostConfigure<RedisConnections>((redis, connections) =>
        {
            var connect = redis.ConnectionFactory;
            var configuration = redis.Configuration;
            redis.ConnectionFactory = async log =>
            {
                var connection = connect is null
                    ? await ConnectionMultiplexer.ConnectAsync(configuration, log)
                    : await connect(log);
                connections.Add(connection, "SignalR backplane");
                return connection;
            };
        });
        return builder;
    }
}
