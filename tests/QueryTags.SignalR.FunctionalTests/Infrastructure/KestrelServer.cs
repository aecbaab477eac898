using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Testing;
using QueryTags.SignalR.TestServer;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>The test server app on real Kestrel at <c>127.0.0.1:0</c>; the bound address is read back from the server.</summary>
public sealed class KestrelServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Uri HubUrl => new(Address, "/hubs/invalidation");

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Options of this server.</param>
    /// <param name="url">Where to listen; a free loopback port unless a test restarts a server on the same one.</param>
    /// <param name="redis">A Redis to share with other nodes (backplane and log), or null for a single node.</param>
    public static async Task<KestrelServer> StartAsync(Action<TagInvalidationOptions>? configure = null, string url = "http://127.0.0.1:0", string? redis = null)
    {
        string[] args = redis is null
            ? ["--urls", url, "--Logging:LogLevel:Default=Warning"]
            : ["--urls", url, "--Logging:LogLevel:Default=Warning", "--Redis", redis];
        return await StartAsync(TestServerApp.Build(args, configure));
    }

    /// <summary>Starts an app a test built itself (it must listen on a loopback URL, such as <see cref="AppBuilder"/>'s).</summary>
    public static async Task<KestrelServer> StartAsync(WebApplication app)
    {
        await app.StartAsync().Within();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new KestrelServer(app, new Uri(address));
    }

    /// <summary>A builder for an app of a test's own on a free loopback port, logging warnings and above.</summary>
    public static WebApplicationBuilder AppBuilder() =>
        WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);

    /// <summary>A loopback URL on a port that is free now, for a client that starts before its server.</summary>
    public static string FreeUrl() => $"http://127.0.0.1:{LoopbackRedis.FreePort()}";

    public Task<InvalidationMessage> InvalidateAsync(params Tag[] tags) =>
        Services.GetRequiredService<ITagInvalidator>().InvalidateTagsAsync(tags);

    /// <summary>An HTTP client for this server's address.</summary>
    public HttpClient Http() => new() { BaseAddress = Address, Timeout = TestTimeouts.Default };

    public int AbortAllConnections() => Services.GetRequiredService<ConnectionTracker>().AbortAll();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().Within();
        await _app.DisposeAsync();
    }
}

/// <summary>One server shared by the tests of a class.</summary>
public sealed class KestrelServerFixture : IAsyncLifetime
{
    private KestrelServer? _server;

    public KestrelServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() => _server = await KestrelServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
