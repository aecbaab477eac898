using Yarp.ReverseProxy.Configuration;

namespace QueryTags.SignalR.Testing;

/// <summary>
/// The configuration of the YARP load balancer the drain tests and the load generator put in front of their nodes:
/// every request (negotiates and WebSockets alike) goes to the first node, in the order given, that the active health
/// checks of <c>/health</c> (every 250 ms, one failure enough) find up. First-up rather than round-robin: a negotiate
/// and the transport that follows must reach the same node, and every client starts on the node a test stops.
/// Linked into the test projects and the load generator as source.
/// </summary>
internal static class FirstUpBalancing
{
    public static RouteConfig[] Routes { get; } = [new RouteConfig { RouteId = "all", ClusterId = "nodes", Match = new RouteMatch { Path = "{**rest}" } }];

    public static ClusterConfig[] Clusters(IEnumerable<Uri> nodes) =>
    [
        new ClusterConfig
        {
            ClusterId = "nodes",
            LoadBalancingPolicy = "FirstAlphabetical",
            Destinations = nodes.Select((node, index) => (node, index)).ToDictionary(pair => $"node{pair.index}", pair => new DestinationConfig { Address = pair.node.ToString() }),
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromMilliseconds(250), Timeout = TimeSpan.FromSeconds(1), Policy = "ConsecutiveFailures", Path = "/health" },
            },
            Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
        },
    ];
}
