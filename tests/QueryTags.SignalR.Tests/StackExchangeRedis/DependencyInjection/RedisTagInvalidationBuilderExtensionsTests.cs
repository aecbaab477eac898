using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.StackExchangeRedis;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.StackExchangeRedis.Internal;
using StackExchange.Redis;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.DependencyInjection;

/// <summary>What <c>AddStackExchangeRedisScaleOut</c> and <c>AddStackExchangeRedisInvalidationLog</c> register; one server for the class, for the backplane to reach.</summary>
public sealed class RedisTagInvalidationBuilderExtensionsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task AddStackExchangeRedisScaleOut_registers_SignalR_s_Redis_backplane_and_the_Redis_log()
    {
        await using var provider = Provider(services => services.AddTagInvalidation().AddStackExchangeRedisScaleOut(redis.Server.Configuration));

        Assert.IsType<RedisHubLifetimeManager<InvalidationHub>>(provider.GetRequiredService<HubLifetimeManager<InvalidationHub>>());
        var log = Assert.IsType<RedisInvalidationLog>(provider.GetRequiredService<InvalidationLog>());
        Assert.Same(provider.GetRequiredService<RedisInvalidationLog>(), log);
        var backplane = provider.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration;
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, redis.Server.Port), Assert.Single(backplane.EndPoints));

        // Both connections reconnect every second: clients are reset only once both are back.
        Assert.IsType<LinearRetry>(backplane.ReconnectRetryPolicy);
        Assert.IsType<LinearRetry>(provider.GetRequiredService<IOptions<RedisInvalidationLogOptions>>().Value.Build().ReconnectRetryPolicy);
    }

    [Fact]
    public async Task Scale_out_chains_after_AddSignalR_too_and_SignalR_s_own_AddStackExchangeRedis_stays_the_backplane_alone()
    {
        await using var after = Provider(services => services.AddTagInvalidation().AddSignalR().AddStackExchangeRedisScaleOut(redis.Server.Configuration).AddMessagePackProtocol());
        await using var backplaneOnly = Provider(services => services.AddTagInvalidation().AddSignalR().AddStackExchangeRedis(redis.Server.Configuration));

        Assert.IsType<RedisHubLifetimeManager<InvalidationHub>>(after.GetRequiredService<HubLifetimeManager<InvalidationHub>>());
        Assert.IsType<RedisInvalidationLog>(after.GetRequiredService<InvalidationLog>());
        Assert.IsType<RedisHubLifetimeManager<InvalidationHub>>(backplaneOnly.GetRequiredService<HubLifetimeManager<InvalidationHub>>());
        Assert.IsType<InMemoryInvalidationLog>(backplaneOnly.GetRequiredService<InvalidationLog>());
    }

    [Fact]
    public async Task The_backplane_s_connection_is_watched_once_even_when_AddStackExchangeRedisScaleOut_is_called_twice()
    {
        await using var provider = Provider(services => services.AddTagInvalidation().AddStackExchangeRedisScaleOut(redis.Server.Configuration).AddStackExchangeRedisScaleOut(redis.Server.Configuration));
        var roles = new List<string>();
        provider.GetRequiredService<RedisConnections>().Observe((_, role) =>
        {
            lock (roles)
            {
                roles.Add(role);
            }
        });

        // The lifetime manager connects as it is made, through the connection factory AddStackExchangeRedisScaleOut
        // wraps; a send waits for that connection, so once it is sent, every wrapper of the factory has reported what it would.
        await provider.GetRequiredService<HubLifetimeManager<InvalidationHub>>().SendAllAsync("sentinel", []).WaitAsync(RedisTesting.Timeout);

        lock (roles)
        {
            Assert.Equal(["SignalR backplane"], roles);
        }
    }

    [Fact]
    public async Task Called_twice_it_registers_the_health_check_and_the_hosted_services_once()
    {
        await using var provider = Provider(services => services.AddTagInvalidation().AddStackExchangeRedisScaleOut(redis.Server.Configuration).AddStackExchangeRedisScaleOut(redis.Server.Configuration));

        var checks = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Single(checks, check => check.Name == RedisTagInvalidationBuilderExtensions.HealthCheckName);
        Assert.Equal("querytags-redis-log", RedisTagInvalidationBuilderExtensions.HealthCheckName);
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Same(provider.GetRequiredService<RedisInvalidationLog>(), Assert.Single(hosted.OfType<RedisInvalidationLog>()));
        Assert.Same(provider.GetRequiredService<RedisOutageMonitor>(), Assert.Single(hosted.OfType<RedisOutageMonitor>()));
    }

    [Fact]
    public async Task AddStackExchangeRedisInvalidationLog_without_a_configuration_fails_validation_saying_what_is_missing()
    {
        await using var provider = Provider(services => services.AddTagInvalidation().AddStackExchangeRedisInvalidationLog(_ => { }));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisInvalidationLogOptions>>().Value);
        Assert.Contains("needs a Configuration (such as '127.0.0.1:6379') or ConfigurationOptions", error.Message);

        // Registered to be checked when the host starts, not first when the log connects.
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public async Task AddStackExchangeRedisInvalidationLog_with_an_empty_key_prefix_fails_validation()
    {
        await using var provider = Provider(services => services.AddTagInvalidation().AddStackExchangeRedisInvalidationLog(options =>
        {
            options.Configuration = redis.Server.Configuration;
            options.KeyPrefix = "";
        }));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisInvalidationLogOptions>>().Value);
        Assert.Contains("KeyPrefix must not be empty", error.Message);
    }

    [Fact]
    public void AddStackExchangeRedisInvalidationLog_refuses_a_blank_configuration_string_at_once()
    {
        var builder = new ServiceCollection().AddTagInvalidation();

        Assert.Throws<ArgumentException>(() => builder.AddStackExchangeRedisInvalidationLog(" "));
        Assert.Throws<ArgumentException>(() => builder.AddStackExchangeRedisScaleOut(" "));
    }

    [Fact]
    public async Task AddStackExchangeRedisScaleOut_gives_each_connection_its_own_copy_of_the_configuration()
    {
        var configuration = ConfigurationOptions.Parse(redis.Server.Configuration);
        configuration.ClientName = "caller";
        await using var provider = Provider(services => services.AddTagInvalidation().AddStackExchangeRedisScaleOut(configuration));

        // The caller reuses its object after registering; what was registered must not change with it.
        configuration.EndPoints.Clear();
        configuration.EndPoints.Add(IPAddress.Loopback, 1);
        configuration.ClientName = "changed";

        var backplane = provider.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration;
        var log = provider.GetRequiredService<IOptions<RedisInvalidationLogOptions>>().Value.ConfigurationOptions;
        Assert.NotNull(log);
        Assert.NotSame(configuration, backplane);
        Assert.NotSame(configuration, log);
        Assert.NotSame(backplane, log);
        foreach (var copy in new[] { backplane, log })
        {
            Assert.Equal("caller", copy.ClientName);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, redis.Server.Port), Assert.Single(copy.EndPoints));
        }

        // The backplane's retry policy is set on its copy, not on the caller's object.
        Assert.IsType<LinearRetry>(backplane.ReconnectRetryPolicy);
        Assert.IsNotType<LinearRetry>(configuration.ReconnectRetryPolicy);
    }

    private static ServiceProvider Provider(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
