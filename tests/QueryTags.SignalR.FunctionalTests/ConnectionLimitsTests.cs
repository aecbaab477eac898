using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// The limits the README recommends around the hub, which are Kestrel's and ASP.NET Core's own: an idle socket that
/// never sends a request is closed after Kestrel's keep-alive timeout (its default is 130 s), and a concurrency limiter
/// per client address bounds how many hub connections one client holds open. Short values here, for the test's time.
/// </summary>
public sealed class ConnectionLimitsTests
{
    [Fact]
    public async Task A_socket_that_never_sends_a_byte_is_closed_after_the_keep_alive_timeout()
    {
        var builder = KestrelServer.AppBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddTagInvalidation().AddSignalR();
        var app = builder.Build();
        app.MapTagInvalidation();
        await using var server = await KestrelServer.StartAsync(app);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Address.Host, server.Address.Port);

        // Closed within the test's wait, which Kestrel's default keep-alive timeout (130 s) is far beyond.
        var read = await socket.ReceiveAsync(new ArraySegment<byte>(new byte[16])).Within();

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task A_concurrency_limiter_per_client_address_bounds_the_hub_connections_one_client_holds()
    {
        var builder = KestrelServer.AppBuilder();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy("per-client", context => RateLimitPartition.GetConcurrencyLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new ConcurrencyLimiterOptions { PermitLimit = 3, QueueLimit = 0 }));
        });
        builder.Services.AddTagInvalidation().AddSignalR();
        var app = builder.Build();
        app.UseRateLimiter();
        app.MapTagInvalidation().RequireRateLimiting("per-client");
        await using var server = await KestrelServer.StartAsync(app);
        var held = new List<RawHubSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await RawHubSocket.ConnectAsync(server.HubUrl, messagePack: false));
            }

            var refused = await Assert.ThrowsAnyAsync<Exception>(() => RawHubSocket.ConnectAsync(server.HubUrl, messagePack: false));
            Assert.Contains("429", refused.ToString(), StringComparison.Ordinal);

            // A connection that closes gives its place back.
            await held[0].DisposeAsync();
            held.RemoveAt(0);
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    held.Add(await RawHubSocket.ConnectAsync(server.HubUrl, messagePack: false));
                    return true;
                }
                catch (Exception)
                {
                    return false;
                }
            }, () => "the place was not given back");
        }
        finally
        {
            foreach (var socket in held)
            {
                await socket.DisposeAsync();
            }
        }
    }
}
