using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.Internal;

/// <summary>The Redis log when Redis loses its data or goes away: each test stops or empties a server of its own.</summary>
public sealed class RedisInvalidationLogOutageTests
{
    [Fact]
    public async Task Data_lost_in_Redis_starts_a_new_epoch_and_old_cursors_get_a_reset()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var log = await RedisTesting.StartLogAsync(redis);
        await log.AppendAsync([["todo"]], default).Within();
        var before = await log.AppendAsync([["user"]], default).Within();

        await RedisTesting.FlushAllAsync(redis);

        var after = await log.AppendAsync([["todo", 1]], default).Within();
        Assert.NotEqual(before.Epoch, after.Epoch);
        var replay = await log.ReplayAsync([["todo", 1], ["user", 1]], before, null, default).Within();
        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(after.Epoch, replay.Current.Epoch);
    }

    [Fact]
    public async Task A_restarted_Redis_comes_back_empty_and_old_cursors_get_a_reset()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var log = await RedisTesting.StartLogAsync(redis);
        var before = await log.AppendAsync([["todo"]], default).Within();

        await redis.RestartAsync().Within();
        await RedisTesting.EventuallyAsync(() => log.IsConnected, "the log reconnects");

        var after = await log.AppendAsync([["todo", 1]], default).Within();
        Assert.NotEqual(before.Epoch, after.Epoch);
        Assert.True((await log.ReplayAsync([["todo", 1]], before, null, default).Within()).Reset);
    }

    [Fact]
    public async Task While_Redis_is_stopped_an_append_fails_at_once_and_says_nothing_was_sent()
    {
        await using var redis = await RedisServer.StartAsync();
        // A command timeout of a minute, far beyond the test's wait: an append that failed within the wait was not
        // queued until a timeout, the log's connection failed it fast.
        await using var log = await RedisTesting.StartLogAsync(redis, configure: options => options.ConfigurationOptions!.AsyncTimeout = 60_000);
        await log.AppendAsync([["todo"]], default).Within();

        redis.Stop();

        var error = await Assert.ThrowsAsync<InvalidationLogUnavailableException>(() => log.AppendAsync([["todo", 1]], default).Within());
        Assert.Contains("nothing was sent", error.Message);
        Assert.Contains(redis.Configuration, error.Message);

        // Reads fail alike, so a reset cannot be sent with a cursor the log could not read.
        await Assert.ThrowsAsync<InvalidationLogUnavailableException>(() => log.CurrentAsync(default).Within());
        Assert.False(log.IsConnected);
    }

    [Fact]
    public async Task A_log_started_while_Redis_is_down_fails_its_appends_and_connects_when_Redis_starts()
    {
        await using var redis = await RedisServer.StartAsync();
        redis.Stop();

        // Starting waits its connect timeout for a Redis that is down, then goes on without it.
        await using var log = await RedisTesting.StartLogAsync(redis, configure: options => options.ConfigurationOptions!.ConnectTimeout = 500);

        Assert.False(log.IsConnected);
        await Assert.ThrowsAsync<InvalidationLogUnavailableException>(() => log.AppendAsync([["todo"]], default).Within());

        await redis.RestartAsync().Within();
        await RedisTesting.EventuallyAsync(() => log.IsConnected, "the log connects");
        Assert.True((await log.AppendAsync([["todo"]], default).Within()).Sequence > 0);
    }

    [Fact]
    public async Task The_error_names_the_endpoint_and_never_the_password()
    {
        await using var redis = await RedisServer.StartAsync();
        redis.Stop();
        await using var log = await RedisTesting.StartLogAsync(redis, configure: options =>
        {
            options.ConfigurationOptions = null;
            options.Configuration = $"{redis.Configuration},password=not-for-messages,connectTimeout=500";
        });

        var error = await Assert.ThrowsAsync<InvalidationLogUnavailableException>(() => log.AppendAsync([["todo"]], default).Within());

        Assert.Contains($"({redis.Configuration})", error.Message);
        Assert.DoesNotContain("not-for-messages", error.Message);
        Assert.Equal(redis.Configuration, log.Endpoint);
    }
}
