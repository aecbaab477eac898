using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>Opens the load connections of a plan with the client that fits the system.</summary>
internal static class LoadClients
{
    // Connections opening at once: quick, yet under Kestrel's listen backlog (512).
    private const int ConnectConcurrency = 128;

    // socket.io clients run in Node, one thread per process: two processes use both cores as the .NET clients do.
    private const int NodeProcesses = 2;

    /// <param name="transport">HTTP/2 for the SignalR systems only, to the URL of their HTTP/2 endpoint.</param>
    public static async Task<ILoadClients> ConnectAsync(BenchSystem system, LoadPlan plan, WebSocketTransport transport = WebSocketTransport.Http11) => (system, transport) switch
    {
        (BenchSystem.SocketIo, WebSocketTransport.Http11) => await NodeLoadClients.ConnectAsync(plan, Math.Min(NodeProcesses, plan.Connections.Count), ConnectConcurrency),
        (BenchSystem.SocketIo, _) => throw new ArgumentException("socket.io's ws server has no HTTP/2 WebSockets.", nameof(transport)),
        _ => await SignalRLoadClients.ConnectAsync(system, plan, transport, ConnectConcurrency),
    };
}
