using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>One redis-server and two nodes on it, shared by the tests of a class.</summary>
public sealed class TwoNodeFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public KestrelServer NodeA { get; private set; } = null!;

    public KestrelServer NodeB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        NodeA = await KestrelServer.StartAsync(redis: Redis.Configuration);
        NodeB = await KestrelServer.StartAsync(redis: Redis.Configuration);
    }

    public async Task DisposeAsync()
    {
        await NodeA.DisposeAsync();
        await NodeB.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
