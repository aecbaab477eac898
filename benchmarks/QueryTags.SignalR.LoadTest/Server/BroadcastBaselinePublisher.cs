using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>The naive baseline: every invalidation to <c>Clients.All</c>.</summary>
internal sealed class BroadcastBaselinePublisher(IHubContext<BroadcastBaselineHub> hub) : IBenchPublisher
{
    public Task PublishAsync(Tag tag, string publishedAt) =>
        hub.Clients.All.SendAsync(InvalidationHubMethods.Invalidate, BaselineMessage.For(tag, publishedAt));
}
