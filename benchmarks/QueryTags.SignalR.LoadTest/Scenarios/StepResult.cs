namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>One measured window of a publishing scenario (broadcast, targeted, churn, two nodes).</summary>
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
    long ServerRssBytes,
    long Errors,
    long PublishFailures,
    double SubscribeCallsPerSecond,
    double ReconnectsPerSecond,
    bool Sustained);
