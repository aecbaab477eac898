using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.Internal;

/// <summary>The Redis log remembers which invalidations' sends were confirmed, and hands the others out to send again.</summary>
public sealed class RedisUnsentInvalidationTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task An_append_is_unsent_until_confirmed_and_is_claimed_by_one_node_at_a_time()
    {
        var prefix = RedisTesting.UniqueKeyPrefix();
        await using var nodeA = await RedisTesting.StartLogAsync(redis.Server, configure: options => options.KeyPrefix = prefix);
        await using var nodeB = await RedisTesting.StartLogAsync(redis.Server, configure: options => options.KeyPrefix = prefix);
        Assert.IsAssignableFrom<IInvalidationSendTracking>(nodeA);

        var confirmed = await nodeA.AppendAsync([["todo", 1]], default).Within();
        var lost = await nodeA.AppendAsync([["todo", 2], ["user", "alice", "x\"y"]], default).Within();
        await nodeA.SentAsync(confirmed, default).AsTask().Within();

        // Node A "died" before confirming the second: any node may claim it, and only one does within the grace.
        var claimed = await nodeB.ClaimUnsentAsync(TimeSpan.Zero, default).AsTask().Within();
        Assert.Equal([new UnsentInvalidation(lost, claimed.Single().Tags)], claimed);
        Assert.Equal([new Tag("todo", 2), new Tag("user", "alice", "x\"y")], claimed.Single().Tags);
        Assert.Empty(await nodeA.ClaimUnsentAsync(TimeSpan.FromMinutes(1), default).AsTask().Within());

        // Once sent, it is never handed out again.
        await nodeB.SentAsync(lost, default).AsTask().Within();
        Assert.Empty(await nodeA.ClaimUnsentAsync(TimeSpan.Zero, default).AsTask().Within());
    }

    [Fact]
    public async Task A_send_within_its_grace_is_not_claimed()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);

        await log.AppendAsync([["todo", 1]], default).Within();

        Assert.Empty(await log.ClaimUnsentAsync(TimeSpan.FromMinutes(1), default).AsTask().Within());
    }
}
