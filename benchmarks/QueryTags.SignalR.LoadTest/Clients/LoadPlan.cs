using System.Net;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>One load connection: which server it talks to, the tags it holds, the address it connects from.</summary>
internal sealed record ConnectionPlan(int Index, Uri Server, Tag[] Tags, IPAddress? Source);

/// <summary>Every connection of a run, and the filler tags the churn scenario swaps in (the same for every system).</summary>
internal sealed record LoadPlan(IReadOnlyList<ConnectionPlan> Connections, Tag[] SwapTags)
{
    /// <param name="servers">Connection <c>i</c> goes to server <c>i % servers.Count</c> (the two-node scenario splits them).</param>
    public static LoadPlan Create(TagWorkload workload, IReadOnlyList<Uri> servers, int connections, int atLeastAddresses = 1)
    {
        var sources = new SourceAddresses(connections, atLeastAddresses);
        var plans = Enumerable.Range(0, connections)
            .Select(i => new ConnectionPlan(i, servers[i % servers.Count], workload.TagsOf(i), sources.For(i)))
            .ToArray();
        return new LoadPlan(plans, workload.SwapTags(4096));
    }
}
