using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>Runs every scenario for every system, one server at a time, on the same seeded workload.</summary>
internal static class BenchRunner
{
    public static TagWorkload Workload(BenchProfile profile) =>
        new(profile.TagsPerConnection, fillerKeySpace: 10_000, zipfExponent: 1.0, seed: 20_250_101);

    public static async Task<(IReadOnlyList<StepResult> Steps, IReadOnlyList<IdleResult> Idle)> RunAsync(
        BenchProfile profile, IReadOnlyList<BenchSystem> systems, Action<string> log)
    {
        var workload = Workload(profile);
        var steps = new List<StepResult>();
        var idle = new List<IdleResult>();
        foreach (var system in systems)
        {
            log($"== {system.Title()}: broadcast sweep, targeted, churn ({profile.Connections:N0} connections, {profile.TagsPerConnection} tags each)");
            steps.AddRange(await FanOutScenarios.RunAsync(system, profile, workload, log));
        }

        foreach (var system in systems.Where(TwoNodeScenario.Supports))
        {
            log($"== {system.Title()}: two nodes over Redis");
            steps.AddRange(await TwoNodeScenario.RunAsync(system, profile, workload, log));
        }

        foreach (var system in systems)
        {
            log($"== {system.Title()}: idle capacity ({IdleCapacityScenario.Capacity(profile.IdleConnections):N0} connections)");
            idle.Add(await IdleCapacityScenario.RunAsync(system, profile, workload, log));
        }

        return (steps, idle);
    }
}
