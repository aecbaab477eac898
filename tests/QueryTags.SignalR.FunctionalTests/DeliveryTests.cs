using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Targeted delivery over every transport × protocol, asserted on what arrives on the wire.</summary>
public sealed class DeliveryTests(KestrelServerFixture fixture) : IClassFixture<KestrelServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task An_invalidation_through_ITagInvalidator_reaches_a_subscriber(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        await client.SubscribeAsync(["todos"]);

        var sent = await Server.Services.GetRequiredService<ITagInvalidator>().InvalidateTagsAsync([["todos"]], source: "test");

        var received = await client.NextAsync();
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal([new Tag("todos")], received.Tags);
        Assert.Equal(sent.Cursor, received.Cursor);

        // The publisher's source text stays on the server unless the app opts in.
        Assert.Equal("test", sent.Source);
        Assert.Null(received.Source);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task An_invalidation_through_IHubContext_reaches_a_subscriber(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        await client.SubscribeAsync(["todo", 5]);

        var hubContext = Server.Services.GetRequiredService<IHubContext<InvalidationHub>>();
        var sent = await hubContext.InvalidateTagsAsync([["todo", 5]]);

        var received = await client.NextAsync();
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal([new Tag("todo", 5)], received.Tags);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_prefix_reaches_the_holder_of_a_longer_tag(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        await client.SubscribeAsync(["todo", 5], ["todo", 7, "comments"]);

        var sent = await Server.InvalidateAsync(["todo"]);

        // One message per distinct target group: the connection is in group ["todo"] once.
        var received = await client.NextAsync();
        Assert.Equal(sent.Id, received.Id);
        var sentinel = await SentinelAsync(client);
        Assert.Empty(await client.ReceivedUntilAsync(sentinel));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_sibling_or_a_longer_tag_never_reaches_the_wire(Transport transport)
    {
        await using var sibling = await RawConnection.StartAsync(Server, transport);
        await using var parent = await RawConnection.StartAsync(Server, transport);
        await sibling.SubscribeAsync(["todo", 6]);
        await parent.SubscribeAsync(["todo"]);

        await Server.InvalidateAsync(["todo", 5]);

        // The raw handler saw nothing before the sentinel: the server did not send it, no client filtered it.
        Assert.Empty(await sibling.ReceivedUntilAsync(await SentinelAsync(sibling)));
        Assert.Empty(await parent.ReceivedUntilAsync(await SentinelAsync(parent)));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task Releasing_one_of_two_tags_with_a_shared_prefix_keeps_the_other(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        await client.SubscribeAsync(["todo", 5], ["todo", 6]);
        await client.UnsubscribeAsync(["todo", 5]);

        var own = await Server.InvalidateAsync(["todo", 6]);
        Assert.Equal(own.Id, (await client.NextAsync()).Id);
        var shared = await Server.InvalidateAsync(["todo"]);
        Assert.Equal(shared.Id, (await client.NextAsync()).Id);
        await Server.InvalidateAsync(["todo", 5]);
        Assert.Empty(await client.ReceivedUntilAsync(await SentinelAsync(client)));

        await client.UnsubscribeAsync(["todo", 6]);
        await Server.InvalidateAsync(["todo"]);
        await Server.InvalidateAsync(["todo", 6]);
        await Server.InvalidateAsync(["todo", 5]);
        Assert.Empty(await client.ReceivedUntilAsync(await SentinelAsync(client)));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_tag_that_a_call_invalidates_twice_arrives_once(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        await client.SubscribeAsync(["todo", 5]);

        var sent = await Server.InvalidateAsync(["todo", 5], ["todo", 5]);

        var received = await client.NextAsync();
        Assert.Equal(sent.Id, received.Id);
        Assert.Single(received.Tags);
        Assert.Empty(await client.ReceivedUntilAsync(await SentinelAsync(client)));
    }

    /// <summary>Subscribes a fresh tag, invalidates it and returns the id to wait for.</summary>
    private async Task<string> SentinelAsync(RawConnection client)
    {
        Tag sentinel = ["sentinel", Guid.NewGuid().ToString("N")];
        await client.SubscribeAsync(sentinel);
        return (await Server.InvalidateAsync(sentinel)).Id;
    }
}
