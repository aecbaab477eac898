using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>Opens the load connections of a plan with the client that fits the system.</summary>
internal static class LoadClients
{
    // Connections opening at once: quick, yet under Kestrel's listen backlog (512).
    private const int ConnectConcurrency = 128;

    // socket.io clients run in Node, one thread per process: two processes use both cores as the .NET clients do.
    private const int NodeProcesses = 2;

    public static async Task<ILoadClients> ConnectAsync(BenchSystem system, LoadPlan plan) => system == BenchSystem.SocketIo
        ? await NodeLoadClients.ConnectAsync(plan, Math.Min(NodeProcesses, plan.Connections.Count), ConnectConcurrency)
        : await SignalRLoadClients.ConnectAsync(system, plan, ConnectConcurrency);
}
