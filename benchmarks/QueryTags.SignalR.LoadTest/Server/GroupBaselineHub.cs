using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// The plain SignalR baseline: a client joins one group per tag it holds, named by the tag's canonical form,
/// with no prefix groups, limits, counting or log. What an app would write by hand; our overhead is measured
/// against it.
/// </summary>
internal sealed class GroupBaselineHub : Hub
{
    public Task Join(string[] groups) =>
        Task.WhenAll(groups.Select(group => Groups.AddToGroupAsync(Context.ConnectionId, group)));

    public Task Leave(string[] groups) =>
        Task.WhenAll(groups.Select(group => Groups.RemoveFromGroupAsync(Context.ConnectionId, group)));
}
