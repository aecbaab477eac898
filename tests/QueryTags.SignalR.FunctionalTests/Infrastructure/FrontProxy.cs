using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// The load balancer a deployment puts in front of its nodes: YARP on a free loopback port, sending every request
/// (negotiates and WebSockets alike) to the first node, in the order given, that its health checks find up. A node
/// whose <c>/health</c> stops answering is passed over within about a quarter of a second.
/// </summary>
public sealed class FrontProxy : IAsyncDisposable
{
    private readonly KestrelServer _server;

    private FrontProxy(KestrelServer server) => _server = server;

    public Uri HubUrl => _server.HubUrl;

    public static async Task<FrontProxy> StartAsync(params KestrelServer[] nodes)
    {
        var builder = KestrelServer.AppBuilder();
        var cluster = new ClusterConfig
        {
            ClusterId = "nodes",
            LoadBalancingPolicy = "FirstAlphabetical",
            Destinations = nodes.Select((node, index) => (node, index)).ToDictionary(
                pair => $"node{pair.index}",
                pair => new DestinationConfig { Address = pair.node.Address.ToString() }),
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromMilliseconds(250), Timeout = TimeSpan.FromSeconds(1), Policy = "ConsecutiveFailures", Path = "/health" },
            },
            Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
        };
        builder.Services.AddReverseProxy().LoadFromMemory([new RouteConfig { RouteId = "all", ClusterId = "nodes", Match = new RouteMatch { Path = "{**rest}" } }], [cluster]);
        var app = builder.Build();
        app.MapReverseProxy();
        return new FrontProxy(await KestrelServer.StartAsync(app));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
