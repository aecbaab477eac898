using System.Diagnostics;
using System.Text.RegularExpressions;
using QueryTags.SignalR.LoadTest.Clients;
using QueryTags.SignalR.LoadTest.Processes;
using QueryTags.SignalR.LoadTest.Server;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>
/// Stopping a node with connected clients, as an orchestrator does (SIGTERM), with our hub and QueryTags' .NET client
/// (which reconnects with its cursor, spread after a server stop). <see cref="RunOneNodeAsync"/>: how long the process
/// takes to exit. <see cref="RunRollingAsync"/>: a rolling deploy of two nodes on one redis-server behind a load
/// balancer (<see cref="Balancer"/>), publishing all the while: the process's exit, when the clients were back on the
/// other node, and whether they heard (live, or as <c>missed</c>) every invalidation published across the move.
/// </summary>
internal static partial class DrainScenario
{
    private static readonly Tag Held = ["drain"];

    public static async Task<TimeSpan> RunOneNodeAsync(int connections, Action<string> log)
    {
        RoomForClients();
        await using var server = await ServerProcess.StartAsync(BenchSystem.QueryTags);
        await using var clients = await MovingClients.ConnectAsync(server.ClientUrl, connections, Held);
        var exit = await server.TerminateAsync();
        log($"drain: SIGTERM with {clients.Count:N0} connections: the server process exited in {exit.TotalSeconds:0.00} s ({Drained(server)}; {clients.ToldToGo:N0} clients told to go by the close message)");
        return exit;
    }

    public static async Task RunRollingAsync(int connections, Action<string> log)
    {
        RoomForClients();
        await using var redis = await RedisProcess.StartAsync();
        await using var first = await ServerProcess.StartAsync(BenchSystem.QueryTags, redis.Configuration);
        await using var second = await ServerProcess.StartAsync(BenchSystem.QueryTags, redis.Configuration);
        await using var balancer = await Balancer.StartAsync([first.Address, second.Address]);
        await using var clients = await MovingClients.ConnectAsync(new Uri(balancer.Address, BenchServerApp.HubPath), connections, Held);

        // Published on the node that stays, every 20 ms from before the stop until every client is back.
        using var publishing = new CancellationTokenSource();
        var published = new List<long>();
        var publisher = Task.Run(async () =>
        {
            while (!publishing.IsCancellationRequested)
            {
                published.Add(await second.InvalidateAsync(Held));
                await Task.Delay(20, CancellationToken.None);
            }
        });
        await Task.Delay(500);

        var stopped = Stopwatch.GetTimestamp();
        var exit = await first.TerminateAsync();
        await clients.WaitUntilBackAsync(TimeSpan.FromSeconds(60));
        await publishing.CancelAsync();
        await publisher;
        var last = await second.InvalidateAsync(Held);
        published.Add(last);
        await clients.WaitUntilHeardAsync(last, TimeSpan.FromSeconds(30));

        var back = clients.BackAfter(stopped);
        var busiest = back.GroupBy(after => (long)(after.TotalMilliseconds / 100)).Select(group => group.Count()).DefaultIfEmpty().Max();
        log($"drain, rolling: SIGTERM to node 1 of 2 with {clients.Count:N0} connections: it exited in {exit.TotalSeconds:0.00} s ({Drained(first)}); "
            + $"{back.Count:N0} clients back on node 2 (connected now: {clients.Connected:N0}), {Quantile(back, 0.5):0.00} s / {Quantile(back, 0.99):0.00} s / {Quantile(back, 1):0.00} s after the SIGTERM (p50 / p99 / last), "
            + $"at most {busiest:N0} in one 100 ms; {clients.ToldToGo:N0} told to go by the close message; {published.Count:N0} invalidations published across the move, "
            + $"{clients.Unheard(published):N0} unheard by any client, {clients.Resets:N0} resets; failed reconnect attempts: {clients.FailedAttempts()}");
    }

    // A thousand clients (and the balancer) in this process react to a stop at once: with the thread pool's default
    // minimum (one thread per core, then one more every half second) their callbacks queued for seconds, which
    // measured the load generator (clients back after 4.6 s at p50 with 300 clients) instead of the drain (1.8 s).
    private static void RoomForClients()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }

    private static double Quantile(IReadOnlyList<TimeSpan> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)].TotalSeconds;

    // What the hub logged about its drain.
    private static string Drained(ServerProcess server) =>
        DrainLine().Match(server.LastLines()) is { Success: true } match ? $"the hub's drain: {match.Value.TrimEnd('.')}" : "the hub logged no drain";

    [GeneratedRegex(@"Every hub connection left in \d+ ms\.|\d+ hub connection\(s\) and \d+ transport request\(s\) were still open after[^;]*")]
    private static partial Regex DrainLine();
}
