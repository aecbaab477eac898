using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// The load balancer a deployment puts in front of its nodes, in this process: YARP on a free loopback port (see
/// <see cref="FirstUpBalancing"/>); a node that drains reports unhealthy and is passed over within a quarter of a second.
/// </summary>
internal sealed class Balancer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Balancer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<Balancer> StartAsync(IReadOnlyList<Uri> nodes)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddReverseProxy().LoadFromMemory(FirstUpBalancing.Routes, FirstUpBalancing.Clusters(nodes));
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Balancer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
