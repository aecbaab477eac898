using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// Signing out ends what the user's connections receive as that user: the test server's <c>POST /signout</c> closes
/// the user's hub connections (as the sample's sign-out does), and a long-polling connection that polls on
/// without the cookie is answered as an unknown one. A client comes back as the user it now is.
/// </summary>
public sealed class SignOutTests(AuthenticatedServerFixture fixture) : IClassFixture<AuthenticatedServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Fact]
    public async Task After_sign_out_a_long_polling_connection_receives_nothing_more_of_the_users_and_ends()
    {
        var cookies = await Server.SignInAsync(TestUser.Alice);
        await using var alice = await RawHttpHub.StartAsync(Server.HubUrl, HttpTransportType.LongPolling, credentials: new("alice's cookie", Cookies: cookies));
        var completion = await alice.CompletionAsync(await alice.InvokeAsync(InvalidationHubMethods.Subscribe, "[[[\"account\",\"alice\"]],null]"));
        using (var result = JsonDocument.Parse(completion!))
        {
            Assert.Equal(0, result.RootElement.GetProperty("result").GetProperty("rejected").GetArrayLength());
        }

        await Server.SignOutAsync(cookies);
        var sent = await Server.InvalidateAsync(["account", "alice"]);

        // The browser polls on without the cookie: whatever it still reads, up to the end of the connection (a poll
        // answered with anything but 200), carries nothing of alice's.
        while (await alice.ReceiveAsync() is { } message)
        {
            Assert.DoesNotContain(sent.Id, message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task After_sign_out_the_client_comes_back_anonymous_and_holds_only_what_anyone_may(Transport transport)
    {
        var cookies = await Server.SignInAsync(TestUser.Alice);
        await using var client = CookieClient(Server.HubUrl, transport, cookies);
        var watch = new ClientWatch(client);
        Tag sentinel = ["signed-out-sentinel", Guid.NewGuid().ToString("N")];
        await client.StartAsync().Within();
        Assert.Empty((await client.SubscribeAsync([["account", "alice"], sentinel]).Within())!.Rejected);
        var before = await Server.InvalidateAsync(["account", "alice"]);
        Assert.Equal(before.Id, (await watch.Wire.NextAsync()).Id);

        await Server.SignOutAsync(cookies);

        // The server closed alice's connection; the client reconnects without the cookie, and its subscribe again
        // is refused the tag only alice may hold.
        await watch.Reconnected.Within();
        var refused = Assert.Single((await watch.Rejected.NextAsync()).Rejections);
        Assert.Equal(("[\"account\",\"alice\"]", TagRules.Forbidden), (refused.Tag, refused.Rule));
        await Server.InvalidateAsync(["account", "alice"]);
        var sentinelId = (await Server.InvalidateAsync(sentinel)).Id;
        Assert.Equal(sentinelId, (await watch.Wire.NextAsync()).Id);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task After_sign_out_a_client_of_the_hub_that_requires_a_user_reports_unauthorized(Transport transport)
    {
        var cookies = await Server.SignInAsync(TestUser.Alice);
        await using var client = CookieClient(Server.SecureHubUrl, transport, cookies);
        var failed = new EventRecorder<TagInvalidationFailedEventArgs>();
        client.Failed += failed.Record;
        await client.StartAsync().Within();
        await client.SubscribeAsync([["account", "alice"]]).Within();

        await Server.SignOutAsync(cookies);

        Assert.Equal(TagInvalidationFailure.Unauthorized, (await failed.NextAsync()).Error.Failure);
    }

    [Fact]
    public async Task Signing_out_closes_only_the_users_own_connections()
    {
        var aliceToken = fixture.Token(TestUser.Alice);
        await using var alice = await RawConnection.StartAsync(Server.HubUrl, Transport.WebSocketsJson, Credentials.Bearer(aliceToken));
        await using var bob = await RawConnection.StartAsync(Server.HubUrl, Transport.WebSocketsJson, Credentials.Bearer(fixture.Token(TestUser.Bob)));
        await using var anonymous = await RawConnection.StartAsync(Server, Transport.WebSocketsJson);
        var closed = new TaskCompletionSource<Exception?>();
        alice.Connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        await Server.SignOutAsync(aliceToken);

        await closed.Task.Within();
        Assert.Empty(await bob.ReceivedBeforeSentinelAsync(Server, TestUser.Bob.FreshAccountTag()));
        Assert.Empty(await anonymous.ReceivedBeforeSentinelAsync(Server, ["anonymous-sentinel", Guid.NewGuid().ToString("N")]));
        Assert.Equal(HubConnectionState.Connected, bob.Connection.State);
    }

    private static TagInvalidationClient CookieClient(Uri hubUrl, Transport transport, CookieContainer cookies) =>
        TagInvalidationClient.Create(hubUrl, options =>
        {
            options.Transports = transport.Type;
            options.Protocol = transport.Protocol;
            options.FirstSubscribeMargin = TimeSpan.Zero;
            options.ConfigureHttpConnection = Credentials.Cookies(cookies);
        });
}
