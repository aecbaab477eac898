using QueryTags.SignalR.LoadTest.Clients;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>How big and how long each scenario runs: the full run, the quick one, or the smoke test's.</summary>
/// <param name="BroadcastRates">Invalidations per second the broadcast sweep steps through (fan-out: every connection); it stops when a step delivers under 80%.</param>
/// <param name="QuietWait">How long a step may wait for the rest of the machine to be quiet (zero: no wait, and no second attempt).</param>
/// <param name="LatencyRate">The rate of the targeted and churn scenarios, and the point the latency figures are read at.</param>
/// <param name="IdleSettle">Quiet time before the full GC that precedes each idle memory reading, and after it.</param>
/// <param name="MinSourceAddresses">Spread the connections over at least this many loopback addresses.</param>
/// <param name="FillerKeySpace">How many <c>["todo", id]</c> ids the filler tags are drawn from.</param>
/// <param name="ZipfExponent">The exponent of the filler ids' Zipf distribution (0: uniform).</param>
internal sealed record BenchProfile(
    string Name,
    int Connections,
    int TagsPerConnection,
    double[] BroadcastRates,
    double LatencyRate,
    TimeSpan Warmup,
    TimeSpan Measure,
    TimeSpan QuietWait,
    ChurnRates Churn,
    int IdleConnections,
    TimeSpan IdleSettle,
    double TwoNodeBroadcastRate,
    int MinSourceAddresses,
    int FillerKeySpace = 10_000,
    double ZipfExponent = 1.0)
{
    public static BenchProfile Full { get; } = new(
        "full",
        Connections: 1000,
        TagsPerConnection: 10,
        BroadcastRates: [25, 50, 75, 100, 125, 150, 175, 200, 250, 300, 400, 600, 800],
        LatencyRate: 100,
        Warmup: TimeSpan.FromSeconds(1.5),
        Measure: TimeSpan.FromSeconds(5),
        QuietWait: TimeSpan.FromSeconds(30),
        Churn: new ChurnRates(SwapsPerSecond: 500, ReconnectsPerSecond: 20),
        IdleConnections: 20_000,
        IdleSettle: TimeSpan.FromSeconds(2),
        TwoNodeBroadcastRate: 50,
        MinSourceAddresses: 1);

    public static BenchProfile Quick { get; } = Full with
    {
        Name = "quick",
        BroadcastRates = [100, 150, 200],
        Warmup = TimeSpan.FromSeconds(0.5),
        Measure = TimeSpan.FromSeconds(1.5),
        QuietWait = TimeSpan.FromSeconds(10),
        IdleConnections = 2_000,
        IdleSettle = TimeSpan.FromSeconds(1),
    };

    /// <summary>A few seconds against our hub only: checks that deliveries happen and nothing fails, never how fast.</summary>
    public static BenchProfile Smoke { get; } = new(
        "smoke",
        Connections: 20,
        TagsPerConnection: 4,
        BroadcastRates: [20],
        LatencyRate: 50,
        Warmup: TimeSpan.FromSeconds(0.3),
        Measure: TimeSpan.FromSeconds(1),
        QuietWait: TimeSpan.Zero,
        Churn: new ChurnRates(SwapsPerSecond: 20, ReconnectsPerSecond: 2),
        IdleConnections: 0,
        IdleSettle: TimeSpan.Zero,
        TwoNodeBroadcastRate: 0,
        MinSourceAddresses: 2);
}
