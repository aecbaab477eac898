using QueryTags.SignalR.LoadTest.Scenarios;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>The headline numbers of one system, taken from the steps of a run.</summary>
/// <param name="MaxSustainedDeliveries">The highest delivered rate of a sustained broadcast step.</param>
/// <param name="ServerCpuMicrosecondsPerDelivery">Server CPU per delivery at the broadcast step of the latency rate: cost, whoever the bottleneck is.</param>
internal sealed record SystemFigures(
    string System,
    string Title,
    double? MaxSustainedDeliveries,
    StepResult? BroadcastAtLatencyRate,
    StepResult? Targeted,
    StepResult? Churn,
    StepResult? TwoNodeBroadcast,
    StepResult? TwoNodeTargeted,
    IdleResult? Idle,
    double? ServerCpuMicrosecondsPerDelivery);

/// <summary>A figure the issue asks for, what was measured, and whether it is reached (null: not measured).</summary>
internal sealed record TargetCheck(string Target, string Measured, bool? Met, string Note);

/// <summary>Our hub against one baseline: each ratio is ours ÷ theirs (null when either side is missing).</summary>
internal sealed record BaselineRatios(
    string Baseline,
    double? MaxDeliveries,
    double? ServerCpuPerDelivery,
    double? TargetedBytesPerDelivery,
    double? TargetedP99,
    double? BroadcastP99,
    double? IdleBytesPerConnection);

/// <summary>What the summary, the README table and the JSON's <c>figures</c> show.</summary>
internal sealed record Figures(IReadOnlyList<SystemFigures> Systems, IReadOnlyList<BaselineRatios> Ratios, IReadOnlyList<TargetCheck> Targets)
{
    public static Figures From(BenchResults results)
    {
        var systems = BenchSystems.All
            .Where(system => results.Steps.Any(step => step.System == system.Id()) || results.Idle.Any(idle => idle.System == system.Id()))
            .Select(system => ForSystem(system, results))
            .ToList();
        var ours = systems.FirstOrDefault(figures => figures.System == BenchSystem.QueryTags.Id());
        var ratios = ours is null
            ? []
            : systems.Where(figures => figures != ours).Select(baseline => new BaselineRatios(
                baseline.Title,
                Ratio(ours.MaxSustainedDeliveries, baseline.MaxSustainedDeliveries),
                Ratio(ours.ServerCpuMicrosecondsPerDelivery, baseline.ServerCpuMicrosecondsPerDelivery),
                Ratio(ours.Targeted?.BytesPerDelivery, baseline.Targeted?.BytesPerDelivery),
                Ratio(ours.Targeted?.P99Ms, baseline.Targeted?.P99Ms),
                Ratio(ours.BroadcastAtLatencyRate?.P99Ms, baseline.BroadcastAtLatencyRate?.P99Ms),
                Ratio(ours.Idle?.RssBytesPerConnection, baseline.Idle?.RssBytesPerConnection))).ToList();
        return new Figures(systems, ratios, ours is null ? [] : CheckTargets(ours, systems, results.Profile));
    }

    private static SystemFigures ForSystem(BenchSystem system, BenchResults results)
    {
        var steps = results.Steps.Where(step => step.System == system.Id()).ToList();
        var broadcast = steps.Where(step => step.Scenario == "broadcast").ToList();
        var atLatencyRate = broadcast.FirstOrDefault(step => step.OfferedRate == results.Profile.LatencyRate);
        return new SystemFigures(
            system.Id(),
            system.Title(),
            broadcast.Where(step => step.Sustained).Select(step => (double?)step.DeliveriesPerSecond).Max(),
            atLatencyRate,
            steps.FirstOrDefault(step => step.Scenario == "targeted"),
            steps.FirstOrDefault(step => step.Scenario == "churn"),
            steps.FirstOrDefault(step => step.Scenario == "two-node broadcast"),
            steps.FirstOrDefault(step => step.Scenario == "two-node targeted"),
            results.Idle.FirstOrDefault(idle => idle.System == system.Id()),
            atLatencyRate is { DeliveriesPerSecond: > 0 } step
                ? step.ServerCpuPercent / 100 * 1_000_000 / step.DeliveriesPerSecond
                : null);
    }

    private static List<TargetCheck> CheckTargets(SystemFigures ours, List<SystemFigures> systems, BenchProfile profile)
    {
        SystemFigures? Baseline(BenchSystem system) => systems.FirstOrDefault(figures => figures.System == system.Id());
        var groups = Baseline(BenchSystem.SignalRGroups);
        var naive = Baseline(BenchSystem.SignalRBroadcast);
        var socketIo = Baseline(BenchSystem.SocketIo);
        var vsGroups = Ratio(ours.MaxSustainedDeliveries, groups?.MaxSustainedDeliveries);
        var vsSocketIo = Ratio(ours.MaxSustainedDeliveries, socketIo?.MaxSustainedDeliveries);
        var bytes = Ratio(ours.Targeted?.BytesPerDelivery, naive?.Targeted?.BytesPerDelivery);
        var checks = new List<TargetCheck>
        {
            new("≥ 100,000 deliveries/s, single node",
                ours.MaxSustainedDeliveries is { } sustained ? $"{sustained:N0} deliveries/s" : "no broadcast step was sustained",
                ours.MaxSustainedDeliveries is { } max ? max >= 100_000 : null,
                "highest sustained broadcast step (every connection holds the tag)"),
            new("≥ 0.9× the plain SignalR baseline's rate", Times(vsGroups), vsGroups is { } g ? g >= 0.9 : null, "highest sustained delivered rates, ours ÷ SignalR groups"),
            new("≥ 2× socket.io's rate", Times(vsSocketIo), vsSocketIo is { } s ? s >= 2 : null, "highest sustained delivered rates, ours ÷ socket.io"),
        };
        foreach (var (name, step) in new[] { ("targeted", ours.Targeted), ("broadcast", ours.BroadcastAtLatencyRate) })
        {
            checks.Add(new(
                $"p50 ≤ 2 ms, p99 ≤ 10 ms at {profile.Connections:N0} connections and {profile.LatencyRate:0} invalidations/s ({name})",
                step is null ? "not measured" : $"p50 {step.P50Ms:0.00} ms, p99 {step.P99Ms:0.00} ms ({step.DeliveriesPerSecond:N0} deliveries/s)",
                step is { P50Ms: { } p50, P99Ms: { } p99 } ? p50 <= 2 && p99 <= 10 : null,
                name == "targeted" ? "each invalidation interests 1% of connections" : "each invalidation interests every connection"));
        }

        checks.Add(new(
            "20,000 idle connections at ≤ 20 KB each above the empty process",
            ours.Idle is { } idle ? $"{idle.Connections:N0} connections, {idle.RssBytesPerConnection / 1000:0.0} KB each (RSS)" : "not measured",
            ours.Idle is { } measured ? measured.Connections >= 20_000 && measured.RssBytesPerConnection <= 20_000 : null,
            ours.Idle is { } capped && capped.Connections < 20_000 ? $"only {capped.Connections:N0} connections were opened (see the notes)" : "RSS after a full GC, loaded minus empty, per connection"));
        checks.Add(new("targeted bytes ≤ 1/50 of naive broadcast", bytes is { } b ? $"1/{1 / b:0}" : "not measured", bytes is { } r ? r <= 1 / 50.0 : null, "bytes the clients read per delivery in the targeted scenario, ours ÷ naive broadcast"));
        return checks;
    }

    private static string Times(double? ratio) => ratio is { } value ? $"{value:0.00}×" : "not measured";

    private static double? Ratio(double? ours, double? theirs) => ours is { } a && theirs is { } b && b > 0 ? a / b : null;
}
