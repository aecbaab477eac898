using QueryTags.SignalR.StackExchangeRedis.Internal;
using QueryTags.SignalR.Testing;
using StackExchange.Redis;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.Internal;

/// <summary>The list of a node's Redis connections, over real connections; each test has a server of its own.</summary>
public sealed class RedisConnectionsTests
{
    [Fact]
    public async Task Observe_sees_the_connections_added_before_and_after_it()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var log = await RedisTesting.ConnectAsync(redis);
        await using var backplane = await RedisTesting.ConnectAsync(redis);
        var connections = new RedisConnections();
        var first = new List<(IConnectionMultiplexer, string)>();
        var second = new List<(IConnectionMultiplexer, string)>();

        connections.Add(log, "invalidation log");
        connections.Observe((connection, role) => first.Add((connection, role)));
        connections.Add(backplane, "SignalR backplane");
        connections.Observe((connection, role) => second.Add((connection, role)));

        (IConnectionMultiplexer, string)[] both = [(log, "invalidation log"), (backplane, "SignalR backplane")];
        Assert.Equal(both, first);
        Assert.Equal(both, second);
    }

    [Fact]
    public async Task AllUp_is_false_while_a_watched_Redis_is_stopped()
    {
        await using var up = await RedisServer.StartAsync();
        await using var stopped = await RedisServer.StartAsync();
        await using var toUp = await RedisTesting.ConnectAsync(up);
        await using var toStopped = await RedisTesting.ConnectAsync(stopped);
        var connections = new RedisConnections();
        Assert.True(connections.AllUp());

        connections.Add(toUp, "invalidation log");
        connections.Add(toStopped, "SignalR backplane");
        Assert.True(connections.AllUp());

        stopped.Stop();
        await RedisTesting.EventuallyAsync(() => !connections.AllUp(), "AllUp turns false");
        Assert.True(RedisConnections.IsUp(toUp));

        await stopped.RestartAsync().Within();
        await RedisTesting.EventuallyAsync(connections.AllUp, "AllUp turns true again");
    }
}
