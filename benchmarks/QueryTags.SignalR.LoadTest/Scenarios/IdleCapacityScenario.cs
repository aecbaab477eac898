using System.Diagnostics;
using QueryTags.SignalR.LoadTest.Clients;
using QueryTags.SignalR.LoadTest.Measurement;
using QueryTags.SignalR.LoadTest.Processes;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>
/// Scenario 4: a fresh server, warmed up by a few connections that come and go, is measured empty; then it holds
/// many idle WebSocket connections with their tags and is measured again. Each measurement follows a full
/// blocking, compacting collection in the server (<c>POST /bench/gc</c>) and a pause, so it reads a steady
/// state, not garbage.
/// </summary>
internal static class IdleCapacityScenario
{
    private const int WarmupConnections = 50;

    // Sockets the server and client processes need besides the connections (runtime, listeners, pipes).
    private const int SpareFileDescriptors = 500;

    /// <summary>How many connections fit: every connection is a file descriptor in the server and one in the clients.</summary>
    public static int Capacity(int asked) => (int)Math.Min(asked, ProcessStats.OpenFileLimit() - SpareFileDescriptors);

    public static async Task<IdleResult> RunAsync(BenchSystem system, BenchProfile profile, TagWorkload workload, Action<string> log)
    {
        var connections = Capacity(profile.IdleConnections);
        await using var server = await ServerProcess.StartAsync(system);
        var warmup = LoadPlan.Create(workload, [server.ClientUrl], WarmupConnections);
        await (await LoadClients.ConnectAsync(system, warmup)).DisposeAsync();

        var (emptyRss, emptyManaged) = await SteadyMemoryAsync(server, profile.IdleSettle);
        var plan = LoadPlan.Create(workload, [server.ClientUrl], connections, profile.MinSourceAddresses);
        var clock = Stopwatch.StartNew();
        await using var clients = await LoadClients.ConnectAsync(system, plan);
        var connectSeconds = clock.Elapsed.TotalSeconds;
        var (loadedRss, loadedManaged) = await SteadyMemoryAsync(server, profile.IdleSettle);
        var errors = clients.ConnectErrors + (await clients.CollectAsync()).Errors;
        var held = Math.Max(1, clients.Connected);
        var result = new IdleResult(
            system.Id(),
            profile.IdleConnections,
            clients.Connected,
            workload.TagsPerConnection,
            emptyRss,
            loadedRss,
            emptyManaged,
            loadedManaged,
            (loadedRss - emptyRss) / (double)held,
            (loadedManaged - emptyManaged) / (double)held,
            connectSeconds,
            errors);
        log($"  {system.Id()} idle: {result.Connections:N0} connections in {connectSeconds:0.0} s, RSS {emptyRss / 1048576.0:0} → {loadedRss / 1048576.0:0} MiB, "
            + $"{result.RssBytesPerConnection / 1024:0.0} KiB per connection ({result.ManagedBytesPerConnection / 1024:0.0} KiB managed), errors {errors}");
        return result;
    }

    private static async Task<(long Rss, long Managed)> SteadyMemoryAsync(ServerProcess server, TimeSpan settle)
    {
        await Task.Delay(settle);
        var managed = await server.CollectGarbageAsync();
        await Task.Delay(settle);
        return (ProcessStats.ResidentBytes(server.Pid), managed);
    }
}
