using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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

    /// <summary>The same hub, for authenticated users only.</summary>
    public Uri SecureHubUrl => new(Address, TestServerApp.SecureHubPath);

    /// <summary>The server's own origin, as a browser on one of its pages sends it.</summary>
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Options of this server.</param>
    /// <param name="url">Where to listen; a free loopback port unless a test restarts a server on the same one.</param>
    /// <param name="redis">A Redis to share with other nodes (backplane and log), or null for a single node.</param>
    /// <param name="authorize">Tag authorization of this server, after the test server's rules.</param>
    /// <param name="time">This server's clock (a <c>FakeTimeProvider</c> lets a test move time instead of waiting); the system's unless given.</param>
    public static async Task<KestrelServer> StartAsync(
        Action<TagInvalidationOptions>? configure = null,
        string url = "http://127.0.0.1:0",
        string? redis = null,
        Action<TagAuthorizationOptions>? authorize = null,
        TimeProvider? time = null)
    {
        string[] args = redis is null
            ? ["--urls", url, "--Logging:LogLevel:Default=Warning"]
            : ["--urls", url, "--Logging:LogLevel:Default=Warning", "--Redis", redis];
        return await StartAsync(TestServerApp.Build(args, configure, authorize, time));
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
    public static string FreeUrl() => $"http://127.0.0.1:{LoopbackPorts.Free()}";

    public Task<InvalidationMessage> InvalidateAsync(params Tag[] tags) =>
        Services.GetRequiredService<ITagInvalidator>().InvalidateTagsAsync(tags);

    /// <summary>An HTTP client for this server's address.</summary>
    public HttpClient Http() => new() { BaseAddress = Address, Timeout = TestTimeouts.Default };

    public int AbortAllConnections() => Services.GetRequiredService<ConnectionTracker>().AbortAll();

    /// <summary>What the <c>["project", "{project}"]</c> rule's handler was asked.</summary>
    public ProjectChecks Projects => Services.GetRequiredService<ProjectChecks>();

    /// <summary>A bearer token for these claims, from the test server's <c>POST /token</c>.</summary>
    /// <param name="user">Whose claims.</param>
    /// <param name="lifetime">How long the token is valid, in whole seconds; an hour unless given.</param>
    public async Task<string> TokenAsync(TestUser user, TimeSpan? lifetime = null)
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var response = await http.PostAsJsonAsync(lifetime is { } valid ? $"/token?seconds={(int)valid.TotalSeconds}" : "/token", user.Claims).Within();
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>The sign-in cookie for these claims, from the test server's <c>POST /signin</c>.</summary>
    public async Task<CookieContainer> SignInAsync(TestUser user)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = Address };
        using var response = await http.PostAsJsonAsync("/signin", user.Claims).Within();
        response.EnsureSuccessStatusCode();
        return cookies;
    }

    /// <summary>
    /// Signs the holder of <paramref name="cookies"/> out with the test server's <c>POST /signout</c>, as a browser
    /// would: the cookie leaves the container first, so whatever reconnects afterwards (a client that uses the same
    /// container) no longer sends it, whichever comes first, the sign-out's answer or the server closing connections.
    /// </summary>
    public async Task SignOutAsync(CookieContainer cookies)
    {
        var header = cookies.GetCookieHeader(Address);
        foreach (Cookie cookie in cookies.GetCookies(Address))
        {
            cookie.Expired = true;
        }

        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = Address, Timeout = TestTimeouts.Default };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signout");
        request.Headers.Add("Cookie", header);
        using var response = await http.SendAsync(request).Within();
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The test server's <c>POST /signout</c> with a bearer token: what the token opened is signed out.</summary>
    public async Task SignOutAsync(string bearer)
    {
        using var http = Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signout");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request).Within();
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().Within();
        await _app.DisposeAsync();
    }
}

/// <summary>One server shared by the tests of a class.</summary>
public class KestrelServerFixture : IAsyncLifetime
{
    private KestrelServer? _server;

    public KestrelServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public virtual async Task InitializeAsync() => _server = await StartServerAsync();

    /// <summary>The server of this fixture; a fixture with other options overrides it.</summary>
    protected virtual Task<KestrelServer> StartServerAsync() => KestrelServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
