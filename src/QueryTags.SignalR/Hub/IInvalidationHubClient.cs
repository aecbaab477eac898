using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR;

/// <summary>The server → client events of <see cref="InvalidationHub"/>, with their wire names.</summary>
public interface IInvalidationHubClient
{
    /// <summary>Tags were invalidated; the client refetches the queries holding a matching tag.</summary>
    [HubMethodName(InvalidationHubMethods.Invalidate)]
    Task Invalidate(InvalidationMessage message);

    /// <summary>The server cannot prove nothing was missed; the client invalidates every tagged query.</summary>
    [HubMethodName(InvalidationHubMethods.Reset)]
    Task Reset(ResetMessage message);
}
