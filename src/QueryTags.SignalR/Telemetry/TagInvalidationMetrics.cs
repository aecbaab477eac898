using System.Diagnostics.Metrics;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Telemetry;

/// <summary>
/// The <c>QueryTags.SignalR</c> meter: what was published, what went on the wire, what is held. What is held and open
/// is observed from the node's own counts (<see cref="HeldTagCounts"/>, <see cref="ConnectionKinds"/>), the figures the
/// diagnostics endpoint shows, so the two never disagree.
/// </summary>
internal sealed class TagInvalidationMetrics
{
    public const string MeterName = "QueryTags.SignalR";

    private readonly Counter<long> _invalidationsPublished;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _tagsRejected;
    private readonly Counter<long> _evictionsFailed;
    private readonly Counter<long> _endpointPublishesFailed;
    private readonly Counter<long> _deliveriesFailed;
    private readonly Counter<long> _callsThrottled;
    private readonly Counter<long> _cacheFillsRepaired;

    public TagInvalidationMetrics(IMeterFactory meterFactory, ConnectionKinds connections, HeldTagCounts held)
    {
        var meter = meterFactory.Create(MeterName);

        // Connections and holds add up over nodes (up-down counters); distinct tags and groups do not (gauges): two
        // nodes may hold the same tag.
        meter.CreateObservableUpDownCounter("querytags.connections", () => OpenConnections(connections), "{connection}", "Connections to the invalidation hub, by transport and protocol.");
        meter.CreateObservableUpDownCounter("querytags.tags.held", () => held.Holds, "{tag}", "Tags held, summed over connections.");
        meter.CreateObservableGauge("querytags.tags.distinct", () => (long)held.DistinctTags, "{tag}", "Distinct tags held by this node's connections.");
        meter.CreateObservableGauge("querytags.groups", () => (long)held.Groups, "{group}", "Prefix groups this node's connections are in.");
        _invalidationsPublished = meter.CreateCounter<long>("querytags.invalidations.published", "{invalidation}", "Invalidation calls published.");
        _messagesSent = meter.CreateCounter<long>("querytags.messages.sent", "{message}", "Group sends of invalidate messages (one per distinct target group).");
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

    public void TagsRejected(int count)
    {
        if (count > 0)
        {
            _tagsRejected.Add(count);
        }
    }

    // Every kind seen, 0 included: a series that stops being reported would keep its last value on a dashboard.
    private static IEnumerable<Measurement<long>> OpenConnections(ConnectionKinds connections) =>
        connections.All.Select(kind => new Measurement<long>(
            Interlocked.Read(ref kind.Open),
            new KeyValuePair<string, object?>("signalr.transport", kind.Transport),
            new KeyValuePair<string, object?>("querytags.protocol", kind.Protocol)));
}
