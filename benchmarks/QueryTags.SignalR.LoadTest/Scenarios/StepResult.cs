namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>One measured window of a publishing scenario (broadcast, targeted, churn, two nodes).</summary>
/// <param name="OtherCpuPercent">CPU other processes of the machine used in the window (the machine is shared): noise.</param>
/// <param name="Sustained">Delivered at least 95% of what the offered rate asks for, with p99 under 500 ms.</param>
internal sealed record StepResult(
    string Scenario,
    string System,
    int Nodes,
    int Connections,
    double OfferedRate,
    double PublishedRate,
    double ExpectedDeliveriesPerSecond,
    double DeliveriesPerSecond,
    double MessagesPerSecond,
    double BytesPerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs,
    double ServerCpuPercent,
    double ClientCpuPercent,
    double OtherCpuPercent,
    long ServerRssBytes,
    long Errors,
    long PublishFailures,
    double SubscribeCallsPerSecond,
    double ReconnectsPerSecond,
    bool Sustained)
{
    /// <summary>Bytes the clients read per useful delivery: the wire cost of targeting, whether or not the server kept up.</summary>
    public double? BytesPerDelivery => DeliveriesPerSecond > 0 ? BytesPerSecond / DeliveriesPerSecond : null;
}
