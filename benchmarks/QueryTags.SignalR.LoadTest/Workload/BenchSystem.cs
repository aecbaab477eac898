namespace QueryTags.SignalR.LoadTest.Workload;

/// <summary>A server under test: our hub, or one of the baselines it is compared with on the same workload.</summary>
internal enum BenchSystem
{
    /// <summary>QueryTags.SignalR's <see cref="InvalidationHub"/>: prefix groups, limits, the invalidation log.</summary>
    QueryTags,

    /// <summary>A plain SignalR hub: one group per tag, <c>Clients.Group(tag)</c> per invalidation (our overhead).</summary>
    SignalRGroups,

    /// <summary>A naive SignalR hub: every invalidation to <c>Clients.All</c>, filtered by the clients (what targeting saves).</summary>
    SignalRBroadcast,

    /// <summary>A socket.io 4 server in Node with one room per tag (what a Node team would pick).</summary>
    SocketIo,
}

/// <summary>Names of <see cref="BenchSystem"/> on the command line, in results and in tables.</summary>
internal static class BenchSystems
{
    public static IReadOnlyList<BenchSystem> All { get; } = Enum.GetValues<BenchSystem>();

    public static string Id(this BenchSystem system) => system switch
    {
        BenchSystem.QueryTags => "querytags",
        BenchSystem.SignalRGroups => "signalr-groups",
        BenchSystem.SignalRBroadcast => "signalr-broadcast",
        BenchSystem.SocketIo => "socketio",
        _ => throw new ArgumentOutOfRangeException(nameof(system)),
    };

    public static string Title(this BenchSystem system) => system switch
    {
        BenchSystem.QueryTags => "QueryTags.SignalR",
        BenchSystem.SignalRGroups => "SignalR groups",
        BenchSystem.SignalRBroadcast => "SignalR naive broadcast",
        BenchSystem.SocketIo => "socket.io 4 rooms",
        _ => throw new ArgumentOutOfRangeException(nameof(system)),
    };

    public static BenchSystem Parse(string id)
    {
        foreach (var system in All)
        {
            if (system.Id() == id)
            {
                return system;
            }
        }

        throw new ArgumentException($"Unknown system '{id}'; one of: {string.Join(", ", All.Select(Id))}.");
    }
}
