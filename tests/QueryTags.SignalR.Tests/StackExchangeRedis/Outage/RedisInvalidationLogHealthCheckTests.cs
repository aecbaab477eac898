using Microsoft.Extensions.Diagnostics.HealthChecks;
using QueryTags.SignalR.StackExchangeRedis.Internal;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.Internal;

/// <summary>The health check over a started log and monitor; each test has a redis-server of its own to stop.</summary>
public sealed class RedisInvalidationLogHealthCheckTests
{
    [Fact]
    public async Task Healthy_with_Redis_up_and_reports_the_latency()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        var log = await harness.StartLogAsync(redis);
        await harness.StartAsync();

        var result = await CheckAsync(log, harness);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Matches(@"^Redis answered in \d+[.,]\d ms\.$", result.Description);
    }

    [Fact]
    public async Task Unhealthy_while_the_log_s_Redis_is_stopped_and_healthy_once_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        var log = await harness.StartLogAsync(redis);
        await harness.StartAsync();

        redis.Stop();
        await RedisTesting.EventuallyAsync(() => !log.IsConnected, "the log notices");

        var down = await CheckAsync(log, harness);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains(redis.Configuration, down.Description);

        await redis.RestartAsync().Within();
        await harness.RecoveredAsync();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(log, harness)).Status);
    }

    [Fact]
    public async Task Unhealthy_while_the_backplane_recovers_though_the_log_is_up()
    {
        await using var logRedis = await RedisServer.StartAsync();
        await using var backplaneRedis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        var log = await harness.StartLogAsync(logRedis);
        await harness.WatchAsync(backplaneRedis);
        await harness.StartAsync();

        backplaneRedis.Stop();
        await harness.OutageSeenAsync();

        var recovering = await CheckAsync(log, harness);
        Assert.Equal(HealthStatus.Unhealthy, recovering.Status);
        Assert.Contains("backplane", recovering.Description);
    }

    private static Task<HealthCheckResult> CheckAsync(RedisInvalidationLog log, MonitorHarness harness) =>
        new RedisInvalidationLogHealthCheck(log, harness.Monitor)
            .CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("test", _ => null!, null, null) })
            .Within();
}
