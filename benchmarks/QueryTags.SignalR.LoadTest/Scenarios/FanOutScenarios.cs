using QueryTags.SignalR.LoadTest.Clients;
using QueryTags.SignalR.LoadTest.Processes;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>
/// Scenarios 1 to 3 on one server and one set of connections: the targeted scenario (each invalidation interests
/// 1% of connections), churn (targeted publishing while clients swap tags and reconnect), and the broadcast
/// fan-out sweep (one tag held by every connection, rising rates until the server falls clearly behind).
/// </summary>
internal static class FanOutScenarios
{
    // The sweep goes on past a step that missed "sustained" by a little (this machine is noisy), and stops when
    // less than this share of the deliveries arrived: the server is saturated.
    private const double SaturatedShare = 0.8;

    public static async Task<IReadOnlyList<StepResult>> RunAsync(BenchSystem system, BenchProfile profile, TagWorkload workload, Action<string> log)
    {
        var results = new List<StepResult>();
        await using var server = await ServerProcess.StartAsync(system);
        var plan = LoadPlan.Create(workload, [server.ClientUrl], profile.Connections, profile.MinSourceAddresses);
        await using var clients = await LoadClients.ConnectAsync(system, plan);
        log($"{system.Id()}: {clients.Connected} connections open ({clients.ConnectErrors} failed) over {plan.Connections.Select(c => c.Source).Distinct().Count()} source address(es)");
        var steps = new StepRunner([server], clients, profile);

        // Light scenarios first: the broadcast sweep ends by saturating the server, which would leave its mark
        // (a grown heap, a backlog) on whatever came after it.
        await steps.WarmUpAsync(workload.BroadcastPublishTags);
        var targeted = await steps.RunAsync("targeted", profile.LatencyRate, workload.TargetedPublishTags);
        results.Add(targeted);
        log(Describe(targeted));

        var churn = await steps.RunAsync("churn", profile.LatencyRate, workload.TargetedPublishTags, profile.Churn);
        results.Add(churn);
        log(Describe(churn));

        foreach (var rate in profile.BroadcastRates)
        {
            var step = await steps.RunAsync("broadcast", rate, workload.BroadcastPublishTags);
            if (!step.Sustained)
            {
                // Near the knee one slow moment tips the server into a backlog it cannot work off within the
                // window; a second attempt tells that from a rate it cannot carry. The better attempt is kept.
                var again = await steps.RunAsync("broadcast", rate, workload.BroadcastPublishTags);
                step = again.Sustained || again.DeliveriesPerSecond > step.DeliveriesPerSecond ? again : step;
            }

            results.Add(step);
            log(Describe(step));
            if (step.DeliveriesPerSecond < SaturatedShare * step.ExpectedDeliveriesPerSecond)
            {
                break;
            }
        }

        return results;
    }

    public static string Describe(StepResult step) =>
        $"  {step.System} {step.Scenario} x{step.Nodes} @ {step.OfferedRate:0}/s: {step.DeliveriesPerSecond:N0} deliveries/s of {step.ExpectedDeliveriesPerSecond:N0}, "
        + $"p50 {step.P50Ms:0.00} ms, p99 {step.P99Ms:0.00} ms, max {step.MaxMs:0.0} ms, server CPU {step.ServerCpuPercent:0}%, clients CPU {step.ClientCpuPercent:0}%, others {step.OtherCpuPercent:0}%, "
        + $"{step.BytesPerSecond / 1024:N0} KiB/s, errors {step.Errors + step.PublishFailures}{(step.Sustained ? "" : " (not sustained)")}";
}
