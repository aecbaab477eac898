using QueryTags.SignalR.LoadTest.Clients;
using QueryTags.SignalR.LoadTest.Scenarios;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>The headline numbers of one system, taken from the steps of a run.</summary>
/// <param name="MaxSustainedDeliveries">The highest delivered rate of a sustained broadcast step (p99 under 500 ms).</param>
/// <param name="PeakDeliveries">The highest delivered rate of any broadcast step, whatever its latency: what the server carries.</param>
/// <param name="Idle">The idle scenario over HTTP/1.1: as many connections as fit the open-file limit, every system alike.</param>
/// <param name="IdleHttp2">The idle scenario over HTTP/2 (SignalR systems only): every connection the profile asked for.</param>
/// <param name="ServerCpuMicrosecondsPerDelivery">Server CPU per delivery at the broadcast step of the latency rate: cost, whoever the bottleneck is.</param>
internal sealed record SystemFigures(
    string System,
    string Title,
    double? MaxSustainedDeliveries,
    double? PeakDeliveries,
    StepResult? BroadcastAtLatencyRate,
    StepResult? Targeted,
    StepResult? Churn,
    StepResult? TwoNodeBroadcast,
    StepResult? TwoNodeTargeted,
    IdleResult? Idle,
    IdleResult? IdleHttp2,
    double? ServerCpuMicrosecondsPerDelivery);

/// <summary>A figure the issue asks for, what was measured, and whether it is reached: yes, no, partly (one of two readings) or n/a.</summary>
internal sealed record TargetCheck(string Target, string Measured, string Met, string Note);

/// <summary>Our hub against one baseline: each ratio is ours ÷ theirs (null when either side is missing).</summary>
/// <param name="IdleBytesPerConnection">Over HTTP/1.1; <paramref name="IdleHttp2BytesPerConnection"/> over HTTP/2: like with like.</param>
internal sealed record BaselineRatios(
    string Baseline,
    double? SustainedDeliveries,
    double? PeakDeliveries,
    double? ServerCpuPerDelivery,
    double? TargetedBytesPerDelivery,
    double? TargetedP99,
    double? BroadcastP99,
    double? IdleBytesPerConnection,
    double? IdleHttp2BytesPerConnection);

/// <summary>What the summary, the performance page's table and the JSON's <c>figures</c> show.</summary>
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
                Ratio(ours.PeakDeliveries, baseline.PeakDeliveries),
                Ratio(ours.ServerCpuMicrosecondsPerDelivery, baseline.ServerCpuMicrosecondsPerDelivery),
                Ratio(ours.Targeted?.BytesPerDelivery, baseline.Targeted?.BytesPerDelivery),
                Ratio(ours.Targeted?.P99Ms, baseline.Targeted?.P99Ms),
                Ratio(ours.BroadcastAtLatencyRate?.P99Ms, baseline.BroadcastAtLatencyRate?.P99Ms),
                Ratio(ours.Idle?.RssBytesPerConnection, baseline.Idle?.RssBytesPerConnection),
                Ratio(ours.IdleHttp2?.RssBytesPerConnection, baseline.IdleHttp2?.RssBytesPerConnection))).ToList();
        return new Figures(systems, ratios, ours is null ? [] : CheckTargets(ours, systems, results.Profile));
    }

    private static SystemFigures ForSystem(BenchSystem system, BenchResults results)
    {
        var steps = results.Steps.Where(step => step.System == system.Id()).ToList();
        var broadcast = steps.Where(step => step.Scenario == "broadcast").ToList();
        var atLatencyRate = broadcast.FirstOrDefault(step => step.OfferedRate == results.Profile.LatencyRate);
        IdleResult? Idle(WebSocketTransport transport) => results.Idle.FirstOrDefault(idle => idle.System == system.Id() && idle.Transport == transport);
        return new SystemFigures(
            system.Id(),
            system.Title(),
            broadcast.Where(step => step.Sustained).Select(step => (double?)step.DeliveriesPerSecond).Max(),
            broadcast.Select(step => (double?)step.DeliveriesPerSecond).Max(),
            atLatencyRate,
            steps.FirstOrDefault(step => step.Scenario == "targeted"),
            steps.FirstOrDefault(step => step.Scenario == "churn"),
            steps.FirstOrDefault(step => step.Scenario == "two-node broadcast"),
            steps.FirstOrDefault(step => step.Scenario == "two-node targeted"),
            Idle(WebSocketTransport.Http11),
            Idle(WebSocketTransport.Http2),
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
        var bytes = Ratio(ours.Targeted?.BytesPerDelivery, naive?.Targeted?.BytesPerDelivery);
        var checks = new List<TargetCheck>
        {
            new("≥ 100,000 deliveries/s, single node",
                $"peak {Rate(ours.PeakDeliveries)}, sustained {Rate(ours.MaxSustainedDeliveries)}",
                Verdict(AtLeast(ours.PeakDeliveries, 100_000), AtLeast(ours.MaxSustainedDeliveries, 100_000)),
                "broadcast sweep, every connection holds the tag; sustained: p99 under 500 ms"),
            RateRatio("≥ 0.9× the plain SignalR baseline's rate", ours, groups, 0.9),
            RateRatio("≥ 2× socket.io's rate", ours, socketIo, 2),
        };
        foreach (var (name, step) in new[] { ("targeted", ours.Targeted), ("broadcast", ours.BroadcastAtLatencyRate) })
        {
            checks.Add(new(
                $"p50 ≤ 2 ms, p99 ≤ 10 ms at {profile.Connections:N0} connections and {profile.LatencyRate:0} invalidations/s ({name})",
                step is null ? "not measured" : $"p50 {step.P50Ms:0.00} ms, p99 {step.P99Ms:0.00} ms ({step.DeliveriesPerSecond:N0} deliveries/s)",
                Verdict(step is { P50Ms: { } p50, P99Ms: { } p99 } ? p50 <= 2 && p99 <= 10 : null),
                name == "targeted" ? "each invalidation interests 1% of connections" : "each invalidation interests every connection"));
        }

        checks.Add(IdleTarget(ours));
        checks.Add(new("targeted bytes ≤ 1/50 of naive broadcast", bytes is { } b ? $"1/{1 / b:0}" : "not measured", Verdict(bytes is { } r ? r <= 1 / 50.0 : null), "bytes the clients read per delivery in the targeted scenario, ours ÷ naive broadcast"));
        return checks;
    }

    /// <summary>
    /// 20,000 connections in one process do not fit this machine's open-file limit over HTTP/1.1, so the HTTP/2
    /// reading decides when it opened them all; the HTTP/1.1 one, at as many as fit, stands beside it.
    /// </summary>
    private static TargetCheck IdleTarget(SystemFigures ours)
    {
        const int connections = 20_000;
        var readings = new[] { ours.IdleHttp2, ours.Idle }.OfType<IdleResult>().ToList();
        var decisive = readings.FirstOrDefault(idle => idle.Connections >= connections);
        var note = "RSS after a full GC, loaded minus empty, per connection";
        return new(
            $"{connections:N0} idle connections at ≤ 20 KB each above the empty process",
            readings.Count == 0 ? "not measured" : string.Join("; ", readings.Select(idle =>
                $"{idle.Connections:N0} connections over {idle.Transport.Title()}{(idle.Connections < idle.Asked ? " (as many as fit)" : "")}, {idle.RssBytesPerConnection / 1000:0.0} KB each"
                + (idle.ReleasedRssBytesPerConnection is { } released ? $" ({released / 1000:0.0} KB with the GC's committed memory released)" : ""))),
            readings.Count == 0 ? Verdict((bool?)null)
                : decisive is null ? Verdict(false)
                : Verdict(decisive.RssBytesPerConnection <= 20_000, decisive.ReleasedRssBytesPerConnection is { } releasedPerConnection ? releasedPerConnection <= 20_000 : null),
            decisive switch
            {
                null when readings.Count > 0 => $"{note}; only {readings.Max(idle => idle.Connections):N0} connections were opened (see the notes)",
                { Transport: WebSocketTransport.Http2 } => $"{note}; decided over HTTP/2, the only way {connections:N0} WebSockets fit one process here (see the idle scenario)",
                _ => note,
            });
    }

    private static TargetCheck RateRatio(string target, SystemFigures ours, SystemFigures? baseline, double atLeast)
    {
        var peak = Ratio(ours.PeakDeliveries, baseline?.PeakDeliveries);
        var sustained = Ratio(ours.MaxSustainedDeliveries, baseline?.MaxSustainedDeliveries);
        return new(
            target,
            $"peak {Times(peak)} ({Rate(ours.PeakDeliveries)} ÷ {Rate(baseline?.PeakDeliveries)}), sustained {Times(sustained)} ({Rate(ours.MaxSustainedDeliveries)} ÷ {Rate(baseline?.MaxSustainedDeliveries)})",
            Verdict(AtLeast(peak, atLeast), AtLeast(sustained, atLeast)),
            $"ours ÷ {baseline?.Title ?? "baseline"}, broadcast sweep");
    }

    /// <summary>yes when every reading reaches the target, partly when some do, no when none, n/a when none was measured.</summary>
    private static string Verdict(params bool?[] readings) =>
        readings.All(reading => reading is null) ? "n/a"
        : readings.All(reading => reading == true) ? "yes"
        : readings.Any(reading => reading == true) ? "partly"
        : "no";

    private static bool? AtLeast(double? value, double minimum) => value is { } measured ? measured >= minimum : null;

    private static string Rate(double? deliveries) => deliveries is { } value ? $"{value:N0}/s" : "none";

    private static string Times(double? ratio) => ratio is { } value ? $"{value:0.00}×" : "not measured";

    private static double? Ratio(double? ours, double? theirs) => ours is { } a && theirs is { } b && b > 0 ? a / b : null;
}
