using QueryTags.SignalR.LoadTest.Clients;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>Runs every scenario for every system, one server at a time, on the same seeded workload.</summary>
internal static class BenchRunner
{
    /// <summary>The scenario groups <c>run --scenarios</c> picks from, in the order they run.</summary>
    public static IReadOnlyList<string> ScenarioGroups { get; } = ["fan-out", "two-node", "idle"];

    public static TagWorkload Workload(BenchProfile profile) =>
        new(profile.TagsPerConnection, profile.FillerKeySpace, profile.ZipfExponent, seed: 20_250_101);

    /// <param name="scenarios">Which of <see cref="ScenarioGroups"/> to run.</param>
    public static async Task<(IReadOnlyList<StepResult> Steps, IReadOnlyList<IdleResult> Idle)> RunAsync(
        BenchProfile profile, IReadOnlyList<BenchSystem> systems, IReadOnlyCollection<string> scenarios, Action<string> log)
    {
        var workload = Workload(profile);
        var steps = new List<StepResult>();
        var idle = new List<IdleResult>();
        foreach (var system in systems.Where(_ => scenarios.Contains("fan-out")))
        {
            log($"== {system.Title()}: broadcast sweep, targeted, churn ({profile.Connections:N0} connections, {profile.TagsPerConnection} tags each)");
            steps.AddRange(await FanOutScenarios.RunAsync(system, profile, workload, log));
        }

        foreach (var system in systems.Where(system => scenarios.Contains("two-node") && TwoNodeScenario.Supports(system)))
        {
            log($"== {system.Title()}: two nodes over Redis");
            steps.AddRange(await TwoNodeScenario.RunAsync(system, profile, workload, log));
        }

        foreach (var system in systems.Where(_ => scenarios.Contains("idle")))
        {
            foreach (var transport in IdleCapacityScenario.Transports(system))
            {
                log($"== {system.Title()}: idle capacity over {transport.Title()} ({IdleCapacityScenario.Capacity(profile.IdleConnections, transport):N0} connections)");
                idle.Add(await IdleCapacityScenario.RunAsync(system, transport, profile, workload, log));
            }
        }

        return (steps, idle);
    }
}
