using Microsoft.Extensions.Caching.Hybrid;

namespace QueryTags.SignalR.Internal;

/// <summary>Removes <c>HybridCache</c> entries by the cache tag of each invalidated tag (<see cref="TagCacheTags.Evicting"/>).</summary>
internal sealed class HybridCacheEvictor(HybridCache cache) : ITagEvictor
{
    public ValueTask EvictAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) =>
        tags.Count == 1
            ? cache.RemoveByTagAsync(TagCacheTags.Evicting(tags[0]), cancellationToken)
            : cache.RemoveByTagAsync(tags.Select(TagCacheTags.Evicting), cancellationToken);

    public ValueTask EvictAllAsync(CancellationToken cancellationToken) => cache.RemoveByTagAsync(TagCacheTags.All, cancellationToken);
}
