using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>The publisher's <c>origin</c> text reaches clients only when the app turns on <c>SendOriginToClients</c>.</summary>
public sealed class OriginOnTheWireTests(KestrelServerFixture byDefault, SendOriginServerFixture sendingOrigin)
    : IClassFixture<KestrelServerFixture>, IClassFixture<SendOriginServerFixture>
{
    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task By_default_no_copy_carries_the_origin(Transport transport)
    {
        Assert.All(await ReceivedAsync(byDefault.Server, transport), copy => Assert.Null(copy.Origin));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task With_SendOriginToClients_every_copy_carries_the_origin(Transport transport)
    {
        Assert.All(await ReceivedAsync(sendingOrigin.Server, transport), copy => Assert.Equal("edited by alice", copy.Origin));
    }

    /// <summary>The copies of an invalidation of one tag, and of one for two target groups.</summary>
    private static async Task<InvalidationMessage[]> ReceivedAsync(KestrelServer server, Transport transport)
    {
        await using var client = await RawConnection.StartAsync(server, transport);
        await client.SubscribeAsync(["todos"], ["todo", 5]);
        var invalidator = server.Services.GetRequiredService<ITagInvalidator>();

        var one = await invalidator.InvalidateTagsAsync([["todos"]], origin: "edited by alice");
        var single = await client.NextAsync();
        var two = await invalidator.InvalidateTagsAsync([["todos"], ["todo", 5]], origin: "edited by alice");
        InvalidationMessage[] copies = [await client.NextAsync(), await client.NextAsync()];

        Assert.Equal(one.Id, single.Id);
        Assert.All(copies, copy => Assert.Equal(two.Id, copy.Id));
        return [single, .. copies];
    }
}
