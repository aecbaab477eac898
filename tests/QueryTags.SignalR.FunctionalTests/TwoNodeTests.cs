using QueryTags.SignalR.FunctionalTests.Infrastructure;
using StackExchange.Redis;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Two Kestrel nodes on one real redis-server: SignalR's backplane carries invalidations, the log is shared.</summary>
public sealed class TwoNodeTests(TwoNodeFixture nodes) : IClassFixture<TwoNodeFixture>
{
    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task An_invalidation_on_node_A_reaches_a_holder_on_node_B_and_no_one_else(Transport transport)
    {
        await using var holder = await RawConnection.StartAsync(nodes.NodeB, transport);
        await using var other = await RawConnection.StartAsync(nodes.NodeB, transport);
        await holder.SubscribeAsync(["todo", 5]);
        await other.SubscribeAsync(["todo", 6]);

        var sent = await nodes.NodeA.InvalidateAsync(["todo", 5]);

        Assert.Equal(sent.Id, (await holder.NextAsync()).Id);
        Tag sentinel = ["sentinel", Guid.NewGuid().ToString("N")];
        await other.SubscribeAsync(sentinel);
        var sentinelId = (await nodes.NodeA.InvalidateAsync(sentinel)).Id;
        Assert.Empty(await other.ReceivedUntilAsync(sentinelId));
    }

    [Fact]
    public async Task A_first_subscribe_with_an_age_is_answered_from_the_shared_log()
    {
        // The log's clock is Redis's, which a test cannot move: the first invalidation is moved two minutes into
        // the past instead, so an age of one minute ends between the two however long the calls take.
        var page = Guid.NewGuid().ToString("N");
        Tag first = ["aged", page, 1];
        await nodes.NodeA.InvalidateAsync(first);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(nodes.Redis.Configuration))
        {
            const string LogTags = "querytags:{log}:tags";
            var database = redis.GetDatabase();
            var when = await database.SortedSetScoreAsync(LogTags, first.Canonical) ?? throw new InvalidOperationException("The log did not record the invalidation.");
            await database.SortedSetAddAsync(LogTags, first.Canonical, when - TimeSpan.FromMinutes(2).TotalMicroseconds);
        }

        await nodes.NodeA.InvalidateAsync(["aged", page, 2]);
        await using var onB = await RawConnection.StartAsync(nodes.NodeB, new Transport(Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets, QueryTags.SignalR.Client.TagInvalidationProtocol.Json));

        var recent = await onB.SubscribeAsync(
            [new Tag("aged", page, 1), new Tag("aged", page, 2), new Tag("aged", page, 3)], InvalidationCursor.ForAge(TimeSpan.FromMinutes(1)));

        Assert.False(recent.Reset);
        Assert.Equal([new Tag("aged", page, 2)], recent.Missed);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_client_that_left_node_A_learns_on_node_B_what_node_B_invalidated_meanwhile(Transport transport)
    {
        Tag[] held = [["doc", 1], ["doc", 2]];
        InvalidationCursor cursor;
        await using (var onA = await RawConnection.StartAsync(nodes.NodeA, transport))
        {
            cursor = (await onA.SubscribeAsync(held)).Cursor;
        }

        await nodes.NodeB.InvalidateAsync(["doc", 2]);

        await using var onB = await RawConnection.StartAsync(nodes.NodeB, transport);
        var result = await onB.SubscribeAsync(held, cursor);
        Assert.False(result.Reset);
        Assert.Equal([new Tag("doc", 2)], result.Missed);
    }
}
