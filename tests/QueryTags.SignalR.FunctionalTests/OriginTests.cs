using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// The hub answers 403 to a request whose <c>Origin</c> header is neither the server's own origin nor an allowed
/// one, so another site's page cannot connect with the user's cookies; a request without the header (not from a
/// browser page) is not affected. The server here allows <see cref="AllowedOriginServerFixture.AllowedOrigin"/>.
/// </summary>
public sealed class OriginTests(AllowedOriginServerFixture fixture) : IClassFixture<AllowedOriginServerFixture>
{
    private const string Foreign = "http://evil.example";

    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_connection_from_a_foreign_origin_is_refused_with_403_on_either_hub(Transport transport)
    {
        var cookies = await Server.SignInAsync(TestUser.Alice);
        foreach (var (hubUrl, credentials) in new[]
        {
            (Server.HubUrl, Credentials.FromOrigin(Foreign)),
            (Server.SecureHubUrl, Credentials.FromOrigin(Foreign, Credentials.Cookies(cookies))),
            (Server.SecureHubUrl, Credentials.FromOrigin(Foreign, Credentials.Bearer(fixture.Token(TestUser.Alice)))),
        })
        {
            await using var connection = RawConnection.Wrap(RawConnection.Builder(hubUrl, transport, credentials).Build());

            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.Connection.StartAsync().Within());

            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task No_origin_the_servers_own_origin_and_an_allowed_origin_connect(Transport transport)
    {
        var cookies = await Server.SignInAsync(TestUser.Alice);
        foreach (var (hubUrl, credentials) in new[]
        {
            (Server.HubUrl, (Action<HttpConnectionOptions>?)null),
            (Server.HubUrl, Credentials.FromOrigin(Server.Origin)),
            (Server.HubUrl, Credentials.FromOrigin(AllowedOriginServerFixture.AllowedOrigin)),
            (Server.SecureHubUrl, Credentials.FromOrigin(Server.Origin, Credentials.Cookies(cookies))),
            (Server.SecureHubUrl, Credentials.FromOrigin(AllowedOriginServerFixture.AllowedOrigin, Credentials.Cookies(cookies))),
        })
        {
            await using var connection = await RawConnection.StartAsync(hubUrl, transport, credentials);

            Assert.Empty((await connection.SubscribeAsync(["todos"])).Rejected);
            var sent = await Server.InvalidateAsync(["todos"]);
            Assert.Equal(sent.Id, (await connection.NextAsync()).Id);
        }
    }

    [Fact]
    public async Task A_WebSocket_upgrade_from_a_foreign_origin_is_refused_with_403_and_from_the_own_origin_accepted()
    {
        // Straight to the upgrade, as SignalR's skipNegotiation does: the check guards every request of the hub.
        var url = new UriBuilder(Server.HubUrl) { Scheme = "ws" }.Uri;
        using (var foreign = new ClientWebSocket())
        {
            foreign.Options.SetRequestHeader("Origin", Foreign);
            foreign.Options.CollectHttpResponseDetails = true;

            await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(url, CancellationToken.None).Within());

            Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);
        }

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Origin", Server.Origin);
        own.Options.CollectHttpResponseDetails = true;
        await own.ConnectAsync(url, CancellationToken.None).Within();
        Assert.Equal(HttpStatusCode.SwitchingProtocols, own.HttpStatusCode);
        await own.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).Within();
    }
}
