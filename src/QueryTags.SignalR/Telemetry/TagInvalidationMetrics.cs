using System.Diagnostics.Metrics;

namespace QueryTags.SignalR.Telemetry;

/// <summary>The <c>QueryTags.SignalR</c> meter: what was published, what went on the wire, what is held.</summary>
internal sealed class TagInvalidationMetrics
{
    public const string MeterName = "QueryTags.SignalR";

    private readonly Counter<long> _invalidationsPublished;
    private readonly Counter<long> _messagesSent;
    private readonly UpDownCounter<long> _tagsHeld;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _tagsRejected;
    private readonly Counter<long> _evictionsFailed;
    private readonly Counter<long> _endpointPublishesFailed;
    private readonly Counter<long> _deliveriesFailed;
    private readonly Counter<long> _callsThrottled;
    private readonly Counter<long> _cacheFillsRepaired;

    public TagInvalidationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _invalidationsPublished = meter.CreateCounter<long>("querytags.invalidations.published", "{invalidation}", "Invalidation calls published.");
        _messagesSent = meter.CreateCounter<long>("querytags.messages.sent", "{message}", "Group sends of invalidate messages (one per distinct target group).");
        _tagsHeld = meter.CreateUpDownCounter<long>("querytags.tags.held", "{tag}", "Distinct tags held, summed over connections.");
        _connections = meter.CreateUpDownCounter<long>("querytags.connections", "{connection}", "Connections to the invalidation hub.");
        _tagsRejected = meter.CreateCounter<long>("querytags.tags.rejected", "{tag}", "Tags refused by subscribe calls.");
        _evictionsFailed = meter.CreateCounter<long>("querytags.evictions.failed", "{eviction}", "Server cache evictions that threw; the push went out regardless.");
        _endpointPublishesFailed = meter.CreateCounter<long>(
            "querytags.endpoint.invalidations.failed",
            "{invalidation}",
            "Invalidations of an endpoint that succeeded which could not be published: the change was saved, and no client was told.");
        _deliveriesFailed = meter.CreateCounter<long>("querytags.deliveries.failed", "{invalidation}", "Invalidations logged whose group sends failed; clients learn of them from their cursors.");
        _cacheFillsRepaired = meter.CreateCounter<long>(
            "querytags.cache.fills.repaired",
            "{response}",
            "Output-cached answers stored while one of their tags was invalidated, whose tags were published again.");
        _callsThrottled = meter.CreateCounter<long>("querytags.calls.throttled", "{call}", "Subscribe and Unsubscribe calls that waited for a connection's rate limit.");
    }

    public void InvalidationPublished(int groupSends)
    {
        _invalidationsPublished.Add(1);
        _messagesSent.Add(groupSends);
    }

    public void EvictionFailed(Exception exception) =>
        _evictionsFailed.Add(1, new KeyValuePair<string, object?>("error.type", exception.GetType().FullName));

    public void EndpointPublishFailed(Exception exception) =>
        _endpointPublishesFailed.Add(1, new KeyValuePair<string, object?>("error.type", exception.GetType().FullName));

    public void DeliveryFailed(Exception exception) =>
        _deliveriesFailed.Add(1, new KeyValuePair<string, object?>("error.type", exception.GetType().FullName));

    public void CallThrottled() => _callsThrottled.Add(1);

    public void CacheFillRepaired() => _cacheFillsRepaired.Add(1);

    public void TagsHeldChanged(int delta)
    {
        if (delta != 0)
        {
            _tagsHeld.Add(delta);
        }
    }

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void TagsRejected(int count)
    {
        if (count > 0)
        {
            _tagsRejected.Add(count);
        }
    }
}
