using Microsoft.AspNetCore.OutputCaching;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Evicts output cache entries by the cache tag of each invalidated tag (<see cref="TagCacheTags.Evicting"/>). With
/// a shared store (Redis) that evicts the entry for every node.
/// </summary>
internal sealed class OutputCacheEvictor(IOutputCacheStore store) : ITagEvictor
{
    public ValueTask EvictAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) =>
        tags.Count == 1
            ? store.EvictByTagAsync(TagCacheTags.Evicting(tags[0]), cancellationToken)
            : new ValueTask(Task.WhenAll(tags.Select(tag => store.EvictByTagAsync(TagCacheTags.Evicting(tag), cancellationToken).AsTask())));

    public ValueTask EvictAllAsync(CancellationToken cancellationToken) => store.EvictByTagAsync(TagCacheTags.All, cancellationToken);
}
