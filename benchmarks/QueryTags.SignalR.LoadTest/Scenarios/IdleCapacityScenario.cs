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
/// state, not garbage. Every system is measured over HTTP/1.1, as many connections as one process may hold
/// sockets; the SignalR systems also over HTTP/2, where the connections share few sockets, so all of them fit.
/// </summary>
internal static class IdleCapacityScenario
{
    private const int WarmupConnections = 50;

    // Sockets the server and client processes need besides the connections (runtime, listeners, pipes).
    private const int SpareFileDescriptors = 500;

    /// <summary>What the system is measured over: HTTP/2 too for SignalR (socket.io's <c>ws</c> server has no HTTP/2 WebSockets).</summary>
    public static IReadOnlyList<WebSocketTransport> Transports(BenchSystem system) => system == BenchSystem.SocketIo
        ? [WebSocketTransport.Http11]
        : [WebSocketTransport.Http11, WebSocketTransport.Http2];

    /// <summary>
    /// How many connections fit. Over HTTP/1.1 every connection is a file descriptor in the server and one in the
    /// clients; over HTTP/2 a hundred share one, so the open-file limit is far away.
    /// </summary>
    public static int Capacity(int asked, WebSocketTransport transport) => transport == WebSocketTransport.Http2
        ? asked
        : (int)Math.Min(asked, ProcessStats.OpenFileLimit() - SpareFileDescriptors);

    public static async Task<IdleResult> RunAsync(BenchSystem system, WebSocketTransport transport, BenchProfile profile, TagWorkload workload, Action<string> log)
    {
        var connections = Capacity(profile.IdleConnections, transport);
        await using var server = await ServerProcess.StartAsync(system);
        var url = transport == WebSocketTransport.Http2 ? server.Http2ClientUrl : server.ClientUrl;
        var warmup = LoadPlan.Create(workload, [url], WarmupConnections);
        await (await LoadClients.ConnectAsync(system, warmup, transport)).DisposeAsync();

        var (emptyRss, emptyReleasedRss, emptyManaged) = await SteadyMemoryAsync(server, profile.IdleSettle);
        var plan = LoadPlan.Create(workload, [url], connections, profile.MinSourceAddresses);
        var clock = Stopwatch.StartNew();
        await using var clients = await LoadClients.ConnectAsync(system, plan, transport);
        var connectSeconds = clock.Elapsed.TotalSeconds;
        var (loadedRss, loadedReleasedRss, loadedManaged) = await SteadyMemoryAsync(server, profile.IdleSettle);
        var sockets = ProcessStats.OpenSockets(server.Pid);
        var errors = clients.ConnectErrors + (await clients.CollectAsync()).Errors;
        var held = Math.Max(1, clients.Connected);
        var result = new IdleResult(
            system.Id(),
            transport,
            profile.IdleConnections,
            clients.Connected,
            sockets,
            workload.TagsPerConnection,
            emptyRss,
            loadedRss,
            emptyManaged,
            loadedManaged,
            (loadedRss - emptyRss) / (double)held,
            (loadedManaged - emptyManaged) / (double)held,
            connectSeconds,
            errors,
            emptyReleasedRss,
            loadedReleasedRss,
            (loadedReleasedRss - emptyReleasedRss) / (double)held);
        log($"  {system.Id()} idle over {transport.Title()}: {result.Connections:N0} connections ({sockets:N0} server sockets) in {connectSeconds:0.0} s, RSS {emptyRss / 1048576.0:0} → {loadedRss / 1048576.0:0} MiB, "
            + $"{result.RssBytesPerConnection / 1024:0.0} KiB per connection ({result.ReleasedRssBytesPerConnection / 1024:0.0} KiB with committed memory released, {result.ManagedBytesPerConnection / 1024:0.0} KiB managed), errors {errors}");
        return result;
    }

    /// <summary>
    /// RSS after a full collection (what the process keeps, GC reserve included), then after the GC also returned the
    /// memory it keeps committed for later allocations (closer to what the connections themselves need).
    /// </summary>
    private static async Task<(long Rss, long ReleasedRss, long Managed)> SteadyMemoryAsync(ServerProcess server, TimeSpan settle)
    {
        await Task.Delay(settle);
        var managed = await server.CollectGarbageAsync();
        await Task.Delay(settle);
        var rss = ProcessStats.ResidentBytes(server.Pid);
        await server.CollectGarbageAsync(releaseMemory: true);
        await Task.Delay(settle);
        return (rss, ProcessStats.ResidentBytes(server.Pid), managed);
    }
}
