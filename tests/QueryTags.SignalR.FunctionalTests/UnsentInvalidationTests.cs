using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A node that logged an invalidation (and answered 200) and died before its sends left: the other node's clients
/// would never hear of it, and their cursors move past it with later invalidations. The nodes sweep the shared log
/// and send it again, with the id its publisher answered.
/// </summary>
public sealed class UnsentInvalidationTests
{
    [Fact]
    public async Task An_invalidation_logged_by_a_node_that_died_before_sending_reaches_the_other_nodes_clients()
    {
        await using var redis = await RedisServer.StartAsync();
        static void Quick(TagInvalidationOptions options) => options.UnsentSendGrace = TimeSpan.FromMilliseconds(500);
        var dying = await KestrelServer.StartAsync(Quick, redis: redis.Configuration);
        await using var other = await KestrelServer.StartAsync(Quick, redis: redis.Configuration);
        await using var client = await RawConnection.StartAsync(other, new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.Json));
        await client.SubscribeAsync(["todo", 7]);

        // What the dying node did before it died: the append (the eviction and the sends never happened).
        InvalidationCursor logged;
        try
        {
            logged = await dying.Services.GetRequiredService<InvalidationLog>().AppendAsync([["todo", 7]], default);
        }
        finally
        {
            await dying.DisposeAsync();
        }

        var received = await client.NextAsync();
        Assert.Equal([new Tag("todo", 7)], received.Tags);
        Assert.Equal(logged, received.Cursor);
        Assert.Equal($"{logged.Epoch}-{logged.Sequence}", received.Id);

        // Sent once: a later invalidation is the next thing the client hears.
        var later = await other.InvalidateAsync(["todo", 7]);
        Assert.Equal(later.Id, (await client.NextAsync()).Id);
    }
}
