using Microsoft.Extensions.Logging;
using QueryTags.SignalR.StackExchangeRedis.Internal;
using QueryTags.SignalR.Testing;
using StackExchange.Redis;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.Internal;

/// <summary>Each test stops and restarts a redis-server of its own under a started monitor.</summary>
public sealed class RedisOutageMonitorTests
{
    private static readonly string[] OneRestoredReset = ["backplane-restored"];

    [Fact]
    public async Task An_outage_ends_with_exactly_one_reset_once_Redis_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        await harness.StartAsync();
        await harness.WatchAsync(redis);
        Assert.False(harness.Monitor.OutageInProgress);

        redis.Stop();
        await harness.OutageSeenAsync();
        await harness.PollsAsync();
        Assert.True(harness.Monitor.OutageInProgress);
        Assert.Equal(0, harness.Reset.Calls);

        // Once the outage has ended, no recovery runs, so no other reset can follow.
        await redis.RestartAsync().Within();
        await harness.RecoveredAsync();
        Assert.Equal(OneRestoredReset, harness.Reset.Reasons);
        Assert.Equal(1, harness.Reset.Calls);
        Assert.False(harness.Monitor.OutageInProgress);
        var logged = harness.Logger.Entries;
        Assert.Contains(logged, entry => entry is { Level: LogLevel.Error, Event.Name: "RedisConnectionLost" }
            && entry.Message.Contains("SignalR backplane", StringComparison.Ordinal) && entry.Message.Contains(redis.Configuration, StringComparison.Ordinal));
        Assert.Contains(logged, entry => entry is { Level: LogLevel.Information, Event.Name: "RedisConnectionRestored" });
    }

    [Fact]
    public async Task A_log_that_lost_its_past_without_a_dropped_connection_ends_in_one_reset()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        await harness.StartAsync();
        var log = await harness.StartLogAsync(redis);
        await log.AppendAsync([["todo"]], default).Within();

        // Flushed while connected: the next script begins a new epoch and says so.
        await RedisTesting.FlushAllAsync(redis);
        await log.AppendAsync([["todo", 1]], default).Within();

        await harness.RecoveredAsync();
        Assert.Equal(["log-lost"], harness.Reset.Reasons);
        Assert.Contains(harness.Logger.Entries, entry => entry is { Level: LogLevel.Error, Event.Name: "RedisLogLost" });
    }

    [Fact]
    public async Task A_new_epoch_begun_by_another_node_resets_this_node_too()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = RedisTesting.UniqueKeyPrefix();
        await using var harness = new MonitorHarness();
        await harness.StartAsync();
        await using var mine = await RedisTesting.StartLogAsync(redis, harness.Connections, configure: options => options.KeyPrefix = prefix, epochs: harness.Epochs);
        await using var other = await RedisTesting.StartLogAsync(redis, configure: options => options.KeyPrefix = prefix);
        await mine.AppendAsync([["todo"]], default).Within();
        await RedisTesting.FlushAllAsync(redis);

        // The other node's append begins the new epoch; this node learns of it at its next read.
        await other.AppendAsync([["todo", 1]], default).Within();
        await mine.CurrentAsync(default).Within();

        await harness.RecoveredAsync();
        Assert.Equal(["log-lost"], harness.Reset.Reasons);
    }

    [Fact]
    public async Task A_connection_down_when_it_is_added_is_an_outage_too()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        var backplane = await RedisTesting.ConnectAsync(redis);
        redis.Stop();
        await RedisTesting.EventuallyAsync(() => !backplane.IsConnected, "the connection notices");

        // Added before the monitor starts: it still watches it.
        harness.Watch(backplane);
        await harness.StartAsync();
        Assert.True(harness.Monitor.OutageInProgress);

        await redis.RestartAsync().Within();
        await harness.RecoveredAsync();
        Assert.Equal(OneRestoredReset, harness.Reset.Reasons);
    }

    [Fact]
    public async Task A_connection_up_when_it_is_added_is_no_outage_while_its_pub_sub_connection_is_still_being_made()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        await harness.StartAsync();

        // Right after a connect, the pub/sub connection may not be made yet (as on a node's start). A command map
        // without pub/sub keeps it from being made, so the test does not depend on that moment.
        var configuration = RedisTesting.Configuration(redis);
        configuration.CommandMap = CommandMap.Create(["SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE"], available: false);
        var log = harness.Watch(await ConnectionMultiplexer.ConnectAsync(configuration).Within(), "invalidation log");
        Assert.True(log.IsConnected);
        Assert.False(log.GetSubscriber().IsConnected());

        // No recovery runs, so no reset can come.
        Assert.False(harness.Monitor.OutageInProgress);
        Assert.Equal(0, harness.Reset.Calls);
        Assert.DoesNotContain(harness.Logger.Entries, entry => entry.Event.Name == "RedisConnectionLost");
    }

    [Fact]
    public async Task A_lost_connection_is_logged_by_its_endpoint_never_its_password()
    {
        await using var redis = await RedisServer.StartAsync();
        await using (var admin = await RedisTesting.ConnectAsync(redis, allowAdmin: true))
        {
            await admin.GetServer(redis.Configuration).ConfigSetAsync("requirepass", "not-for-logs").Within();
        }

        await using var harness = new MonitorHarness();
        var configuration = RedisTesting.Configuration(redis);
        configuration.Password = "not-for-logs";
        var backplane = await ConnectionMultiplexer.ConnectAsync(configuration).Within();
        redis.Stop();
        await RedisTesting.EventuallyAsync(() => !backplane.IsConnected, "the connection notices");

        harness.Watch(backplane);
        await harness.StartAsync();

        var lost = harness.Logger.Entries.First(entry => entry.Event.Name == "RedisConnectionLost");
        Assert.Contains(redis.Configuration, lost.Message);
        Assert.DoesNotContain("not-for-logs", lost.Message);
    }

    [Fact]
    public async Task The_reset_waits_until_every_watched_connection_is_back()
    {
        await using var logRedis = await RedisServer.StartAsync();
        await using var backplaneRedis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        await harness.StartAsync();
        var log = await harness.WatchAsync(logRedis, "invalidation log");
        await harness.WatchAsync(backplaneRedis);

        logRedis.Stop();
        backplaneRedis.Stop();
        await harness.OutageSeenAsync();
        await logRedis.RestartAsync().Within();
        await RedisTesting.EventuallyAsync(() => RedisConnections.IsUp(log), "the log's connection is back");
        await harness.PollsAsync();
        Assert.Equal(0, harness.Reset.Calls);
        Assert.True(harness.Monitor.OutageInProgress);

        await backplaneRedis.RestartAsync().Within();
        await harness.RecoveredAsync();
        Assert.Equal(OneRestoredReset, harness.Reset.Reasons);
    }

    [Fact]
    public async Task A_reset_that_fails_is_tried_again()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness(new RecordingClientReset { FailFirstCall = true });
        await harness.StartAsync();
        await harness.WatchAsync(redis);

        redis.Stop();
        await harness.OutageSeenAsync();
        await redis.RestartAsync().Within();
        await harness.RecoveredAsync();

        Assert.Equal(2, harness.Reset.Calls);
        Assert.Equal(OneRestoredReset, harness.Reset.Reasons);
        var failed = Assert.Single(harness.Logger.Entries, entry => entry.Event.Name == "ResetAfterRestoreFailed");
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.IsType<InvalidationLogUnavailableException>(failed.Exception);
    }

    [Fact]
    public async Task A_connection_lost_again_during_the_reset_gets_another_reset()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        await harness.StartAsync();
        var backplane = await harness.WatchAsync(redis);
        var failures = 0;
        backplane.ConnectionFailed += (_, _) => Interlocked.Increment(ref failures);

        // While the first reset is being sent, Redis drops and comes back: what was published in that blip may be
        // lost as well, after those clients refetched.
        harness.Reset.OnCall = async _ =>
        {
            if (harness.Reset.Calls == 1)
            {
                var seen = Volatile.Read(ref failures);
                redis.Stop();
                await RedisTesting.EventuallyAsync(() => Volatile.Read(ref failures) > seen, "the connection fails again");
                await redis.RestartAsync().Within();
                await RedisTesting.EventuallyAsync(() => RedisConnections.IsUp(backplane), "the connection is back again");
            }
        };
        redis.Stop();
        await harness.OutageSeenAsync();
        await redis.RestartAsync().Within();

        await harness.RecoveredAsync(resets: 2);
        Assert.Equal(["backplane-restored", "backplane-restored"], harness.Reset.Reasons);
        Assert.False(harness.Monitor.OutageInProgress);
    }

    [Fact]
    public async Task StopAsync_ends_a_recovery_in_progress_promptly()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var harness = new MonitorHarness();
        await harness.StartAsync();
        var backplane = await harness.WatchAsync(redis);
        redis.Stop();
        await harness.OutageSeenAsync();

        // The monitor's clock stands still: StopAsync ends the recovery's wait, it does not wait it out.
        await harness.Monitor.StopAsync(default).Within();

        Assert.False(harness.Monitor.OutageInProgress);
        await redis.RestartAsync().Within();
        await harness.EventuallyAsync(() => RedisConnections.IsUp(backplane), "the connection is back");
        Assert.Equal(0, harness.Reset.Calls);
    }

    [Fact]
    public async Task StopAsync_cancels_a_reset_in_progress()
    {
        await using var redis = await RedisServer.StartAsync();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = new MonitorHarness();
        harness.Reset.OnCall = async cancellationToken =>
        {
            using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        await harness.StartAsync();
        await harness.WatchAsync(redis);
        redis.Stop();
        await harness.OutageSeenAsync();
        await redis.RestartAsync().Within();
        await harness.EventuallyAsync(() => harness.Reset.Calls == 1, "the reset starts");

        // The reset never ends by itself: StopAsync returns only because it cancels it.
        await harness.Monitor.StopAsync(default).Within();

        await cancelled.Task.Within();
        Assert.False(harness.Monitor.OutageInProgress);
        Assert.Empty(harness.Reset.Reasons);
    }
}
