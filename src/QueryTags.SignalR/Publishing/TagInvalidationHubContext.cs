using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The <see cref="IHubContext{THub}"/> of <see cref="InvalidationHub"/> handed to applications: SignalR's own,
/// plus the invalidator, so <c>hubContext.InvalidateTagsAsync(...)</c> logs and targets like <see cref="ITagInvalidator"/>.
/// </summary>
internal sealed class TagInvalidationHubContext(IHubContext<InvalidationHub> inner, ITagInvalidator invalidator) : IHubContext<InvalidationHub>
{
    public IHubClients Clients => inner.Clients;

    public IGroupManager Groups => inner.Groups;

    public ITagInvalidator Invalidator => invalidator;
}
