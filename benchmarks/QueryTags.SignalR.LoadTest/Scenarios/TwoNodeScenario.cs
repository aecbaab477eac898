using QueryTags.SignalR.LoadTest.Clients;
using QueryTags.SignalR.LoadTest.Processes;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>
/// Scenario 5: two server processes on one redis-server (SignalR's Redis backplane; our hub also keeps its log
/// there), the connections split between them and every invalidation published on the first node, so half the
/// deliveries cross Redis. Server CPU and RSS are the two nodes together (redis-server not included).
/// </summary>
internal static class TwoNodeScenario
{
    /// <summary>Whether the system runs on two nodes here: socket.io would need its Redis adapter, which this benchmark does not set up.</summary>
    public static bool Supports(BenchSystem system) => system != BenchSystem.SocketIo;

    public static async Task<IReadOnlyList<StepResult>> RunAsync(BenchSystem system, BenchProfile profile, TagWorkload workload, Action<string> log)
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var first = await ServerProcess.StartAsync(system, redis.Configuration);
        await using var second = await ServerProcess.StartAsync(system, redis.Configuration);
        var plan = LoadPlan.Create(workload, [first.ClientUrl, second.ClientUrl], profile.Connections, profile.MinSourceAddresses);
        await using var clients = await LoadClients.ConnectAsync(system, plan);
        var steps = new StepRunner([first, second], clients, profile);
        var broadcast = await steps.RunAsync("two-node broadcast", profile.TwoNodeBroadcastRate, workload.BroadcastPublishTags);
        log(FanOutScenarios.Describe(broadcast));
        var targeted = await steps.RunAsync("two-node targeted", profile.LatencyRate, workload.TargetedPublishTags);
        log(FanOutScenarios.Describe(targeted));
        return [broadcast, targeted];
    }
}
