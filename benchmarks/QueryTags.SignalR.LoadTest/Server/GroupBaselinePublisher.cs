using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// The plain SignalR baseline: <c>Clients.Group(tag)</c> with the same message type as our hub, so the bytes on
/// the wire are alike and only the server's work differs.
/// </summary>
internal sealed class GroupBaselinePublisher(IHubContext<GroupBaselineHub> hub) : IBenchPublisher
{
    public Task PublishAsync(Tag tag, string publishedAt) =>
        hub.Clients.Group(tag.Canonical).SendAsync(InvalidationHubMethods.Invalidate, BaselineMessage.For(tag, publishedAt));
}
