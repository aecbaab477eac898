namespace QueryTags.SignalR;

/// <summary>
/// Evicts server-side copies of data (output cache entries, <c>HybridCache</c> entries, anything else) known by the
/// tags of an invalidation, before the clients hear of it: a client that refetches on the push then cannot be
/// answered from a stale copy. Register implementations as <see cref="ITagEvictor"/> singletons;
/// <c>AddOutputCacheEviction()</c> and <c>AddHybridCacheEviction()</c> register the two that ship.
/// </summary>
/// <remarks>
/// Every evictor runs for every invalidation call, after the log append and before the send, and the invalidator
/// waits for all of them (they run together). Before a <c>reset</c>, every evictor evicts everything known by query
/// tags, and the reset is sent only once all succeeded. An evictor that throws is logged and counted
/// (<c>querytags.evictions.failed</c>) and the push still goes out: clients refetching from a stale cache is
/// better than clients not refetching at all. An evictor that never returns holds the push back, so give its
/// calls a timeout of their own.
/// </remarks>
public interface ITagEvictor
{
    /// <summary>Evicts what is known by <paramref name="tags"/> or by a tag they are a prefix of.</summary>
    /// <param name="tags">The distinct tags of the invalidation call.</param>
    /// <param name="cancellationToken">The invalidation call's token.</param>
    ValueTask EvictAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken);

    /// <summary>
    /// Evicts everything known by any query tag (every entry tagged with <see cref="TagCacheTags.Of"/>). Called
    /// before clients are told to refetch everything (a <c>reset</c> after an outage, or when the log lost its past),
    /// since invalidations may then have gone unlogged and unevicted; the reset waits until this succeeds.
    /// </summary>
    /// <param name="cancellationToken">Cancels the eviction.</param>
    ValueTask EvictAllAsync(CancellationToken cancellationToken);
}
