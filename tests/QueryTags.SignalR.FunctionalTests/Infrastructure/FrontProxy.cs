using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// The load balancer a deployment puts in front of its nodes: YARP on a free loopback port (see <see cref="FirstUpBalancing"/>).
/// </summary>
public sealed class FrontProxy : IAsyncDisposable
{
    private readonly KestrelServer _server;

    private FrontProxy(KestrelServer server) => _server = server;

    public Uri HubUrl => _server.HubUrl;

    public static async Task<FrontProxy> StartAsync(params KestrelServer[] nodes)
    {
        var builder = KestrelServer.AppBuilder();
        builder.Services.AddReverseProxy().LoadFromMemory(FirstUpBalancing.Routes, FirstUpBalancing.Clusters(nodes.Select(node => node.Address)));
        var app = builder.Build();
        app.MapReverseProxy();
        return new FrontProxy(await KestrelServer.StartAsync(app));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
