using QueryTags.SignalR.LoadTest.Scenarios;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>Everything one <c>run</c> measured, and how: what <c>benchmarks/results/&lt;date&gt;.json</c> holds.</summary>
internal sealed record BenchResults(
    DateTime Started,
    TimeSpan Duration,
    string Mode,
    MachineInfo Machine,
    TagWorkload Workload,
    BenchProfile Profile,
    IReadOnlyList<StepResult> Steps,
    IReadOnlyList<IdleResult> Idle,
    IReadOnlyList<MicroBenchmarkResult> Micro);
