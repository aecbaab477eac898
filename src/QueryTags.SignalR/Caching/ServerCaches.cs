using System.Diagnostics;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The server caches the app registered (<see cref="ITagEvictor"/>s), evicted together: by the tags of one
/// invalidation before it is sent, or entirely before clients are told to refetch everything.
/// </summary>
internal sealed class ServerCaches(IEnumerable<ITagEvictor> evictors, TagInvalidationMetrics metrics, ILogger<ServerCaches> logger)
{
    private readonly ITagEvictor[] _evictors = [.. evictors];

    public bool Any => _evictors.Length > 0;

    /// <summary>
    /// Evicts by the tags of <paramref name="message"/>. An evictor that throws is logged and counted and does not
    /// stop the others or the push: clients refetching from a stale cache is better than clients not refetching.
    /// </summary>
    public async Task EvictAsync(InvalidationMessage message, CancellationToken cancellationToken)
    {
        using var evict = TagInvalidationActivities.Source.StartActivity("querytags.evict");
        evict?.SetTag("querytags.evictors.count", _evictors.Length);
        if (_evictors.Length == 1)
        {
            await EvictOneAsync(_evictors[0], message, evict, cancellationToken);
            return;
        }

        await Task.WhenAll(_evictors.Select(evictor => EvictOneAsync(evictor, message, evict, cancellationToken)));
    }

    /// <summary>
    /// Evicts every entry any query tag could cover, from every cache, before a <c>reset</c>: after an outage or a
    /// lost log, invalidations may have gone unlogged and their entries unevicted, and the refetch a reset starts
    /// must not be answered from them. Throws when any evictor fails, so the caller does not reset yet.
    /// </summary>
    public async Task EvictAllAsync(string reason, CancellationToken cancellationToken)
    {
        if (_evictors.Length == 0)
        {
            return;
        }

        using var evict = TagInvalidationActivities.Source.StartActivity("querytags.evict.all");
        evict?.SetTag("querytags.reason", reason);
        try
        {
            await Task.WhenAll(_evictors.Select(evictor => evictor.EvictAllAsync(cancellationToken).AsTask()));
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            TagInvalidationActivities.Failed(evict, ex);
            metrics.EvictionFailed(ex);
            PublishingLog.EvictAllFailed(logger, reason, ex);
            throw;
        }

        PublishingLog.EvictedAll(logger, reason, _evictors.Length);
    }

    private async Task EvictOneAsync(ITagEvictor evictor, InvalidationMessage message, Activity? evict, CancellationToken cancellationToken)
    {
        try
        {
            await evictor.EvictAsync(message.Tags, cancellationToken);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            TagInvalidationActivities.Failed(evict, ex);
            metrics.EvictionFailed(ex);
            PublishingLog.EvictionFailed(logger, message.Id, evictor.GetType().Name, ex);
        }
    }
}
