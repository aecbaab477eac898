namespace QueryTags.SignalR.LoadTest.Measurement;

/// <summary>What the load clients saw between two collections.</summary>
/// <param name="Deliveries">Invalidations received that match a tag the connection holds (the useful ones).</param>
/// <param name="Messages">Invalidations received at all; above <paramref name="Deliveries"/> when clients filter (naive broadcast).</param>
/// <param name="Bytes">Bytes the clients' sockets read: frames, framing and pings.</param>
/// <param name="Errors">Failed connects, hub calls, churn operations, and connections closed by the server.</param>
/// <param name="SubscribeCalls">Subscribe and unsubscribe calls (join and leave for the baselines) that completed.</param>
/// <param name="Reconnects">Connections closed and opened again by the churn scenario.</param>
/// <param name="Latency">Publish→receive latency of the deliveries.</param>
internal sealed record ClientWindow(
    long Deliveries,
    long Messages,
    long Bytes,
    long Errors,
    long SubscribeCalls,
    long Reconnects,
    LatencyHistogram Latency)
{
    public static ClientWindow Sum(IEnumerable<ClientWindow> windows)
    {
        var latency = new LatencyHistogram();
        long deliveries = 0, messages = 0, bytes = 0, errors = 0, calls = 0, reconnects = 0;
        foreach (var window in windows)
        {
            deliveries += window.Deliveries;
            messages += window.Messages;
            bytes += window.Bytes;
            errors += window.Errors;
            calls += window.SubscribeCalls;
            reconnects += window.Reconnects;
            latency.Merge(window.Latency);
        }

        return new ClientWindow(deliveries, messages, bytes, errors, calls, reconnects, latency);
    }
}
