using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>The publisher's source text (the wire field <c>origin</c>) reaches clients only when the app turns on <c>SendSourceToClients</c>.</summary>
public sealed class SourceOnTheWireTests(KestrelServerFixture byDefault, SendSourceServerFixture sendingSource)
    : IClassFixture<KestrelServerFixture>, IClassFixture<SendSourceServerFixture>
{
    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task By_default_no_copy_carries_the_source(Transport transport)
    {
        Assert.All(await ReceivedAsync(byDefault.Server, transport), copy => Assert.Null(copy.Source));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task With_SendSourceToClients_every_copy_carries_the_source(Transport transport)
    {
        Assert.All(await ReceivedAsync(sendingSource.Server, transport), copy => Assert.Equal("edited by alice", copy.Source));
    }

    /// <summary>The copies of an invalidation of one tag, and of one for two target groups.</summary>
    private static async Task<InvalidationMessage[]> ReceivedAsync(KestrelServer server, Transport transport)
    {
        await using var client = await RawConnection.StartAsync(server, transport);
        await client.SubscribeAsync(["todos"], ["todo", 5]);
        var invalidator = server.Services.GetRequiredService<ITagInvalidator>();

        var one = await invalidator.InvalidateTagsAsync([["todos"]], source: "edited by alice");
        var single = await client.NextAsync();
        var two = await invalidator.InvalidateTagsAsync([["todos"], ["todo", 5]], source: "edited by alice");
        InvalidationMessage[] copies = [await client.NextAsync(), await client.NextAsync()];

        Assert.Equal(one.Id, single.Id);
        Assert.All(copies, copy => Assert.Equal(two.Id, copy.Id));
        return [single, .. copies];
    }
}
