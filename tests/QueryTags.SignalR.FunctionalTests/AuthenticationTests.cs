using System.Net;
using Microsoft.AspNetCore.Http.Connections.Client;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// Who may connect at all is the hub endpoint's authorization (<c>MapTagInvalidation().RequireAuthorization()</c>),
/// with the clients passing credentials the SignalR way: a bearer token or the sign-in cookie.
/// </summary>
public sealed class AuthenticationTests(AuthenticatedServerFixture fixture) : IClassFixture<AuthenticatedServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_connection_without_valid_credentials_is_refused_by_the_secure_hub_with_401(Transport transport)
    {
        foreach (var credentials in new Action<HttpConnectionOptions>?[]
        {
            null,
            Credentials.Bearer("not-a-token"),
            Credentials.Bearer(fixture.Token(TestUser.Alice)[..^4] + "AAAA"),
        })
        {
            await using var connection = RawConnection.Wrap(RawConnection.Builder(Server.SecureHubUrl, transport, credentials).Build());

            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.Connection.StartAsync().Within());

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_bearer_token_from_AccessTokenProvider_opens_the_secure_hub_and_the_user_receives_their_own_tag(Transport transport)
    {
        var token = fixture.Token(TestUser.Alice);
        await using var client = Create(transport, options => options.AccessTokenProvider = () => Task.FromResult<string?>(token));

        await AssertReceivesOwnAccountAsync(client);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task The_sign_in_cookie_opens_the_secure_hub_and_the_user_receives_their_own_tag(Transport transport)
    {
        var cookies = await Server.SignInAsync(TestUser.Alice);
        await using var client = Create(transport, options => options.ConfigureHttpConnection = Credentials.Cookies(cookies));

        await AssertReceivesOwnAccountAsync(client);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_token_in_the_access_token_query_parameter_opens_the_secure_hub_as_browsers_send_it(Transport transport)
    {
        // Browsers cannot set headers on WebSockets and Server-Sent Events, so SignalR's JavaScript client sends the
        // token in the query; the .NET client keeps a hub URL's query on every request.
        var hubUrl = new Uri($"{Server.SecureHubUrl}?access_token={Uri.EscapeDataString(fixture.Token(TestUser.Alice))}");
        await using var connection = await RawConnection.StartAsync(hubUrl, transport);

        Assert.Empty((await connection.SubscribeAsync(["account", "alice"])).Rejected);
        var sent = await Server.InvalidateAsync(["account", "alice"]);
        Assert.Equal(sent.Id, (await connection.NextAsync()).Id);
    }

    private async Task AssertReceivesOwnAccountAsync(TagInvalidationClient client)
    {
        var invalidated = new EventRecorder<TagsInvalidatedEventArgs>();
        var rejected = new EventRecorder<TagsRejectedEventArgs>();
        client.Invalidated += invalidated.Record;
        client.Rejected += rejected.Record;
        await client.StartAsync().Within();

        var answer = await client.SubscribeAsync([["account", "alice"]]).Within();

        Assert.NotNull(answer);
        Assert.Empty(answer.Rejected);
        Assert.False(rejected.HasPending);
        var sent = await Server.InvalidateAsync(["account", "alice"]);
        var received = await invalidated.NextAsync();
        Assert.Equal(sent.Id, received.Message.Id);
        Assert.Equal([new Tag("account", "alice")], received.MatchedTags);
    }

    private TagInvalidationClient Create(Transport transport, Action<TagInvalidationClientOptions> credentials) =>
        TagInvalidationClient.Create(Server.SecureHubUrl, options =>
        {
            options.Transports = transport.Type;
            options.Protocol = transport.Protocol;
            options.FirstSubscribeMargin = TimeSpan.Zero;
            credentials(options);
        });
}
