using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A connection belongs to the identity that negotiated it: a request that names its connection token with other
/// credentials (another user's, or none) is answered exactly as a token that does not exist, takes nothing and
/// changes nothing, and the owner's connection carries on. Spoken by hand, on the hub open to anyone, where a
/// signed-in user's connection holds tags only that user may.
/// </summary>
public sealed class ConnectionIdentityTests(AuthenticatedServerFixture fixture) : IClassFixture<AuthenticatedServerFixture>
{
    private KestrelServer Server => fixture.Server;

    public static TheoryData<string> Others => ["bob", "bob's cookie", "nobody"];

    public static TheoryData<HttpTransportType, string> TransportsAndOthers
    {
        get
        {
            var data = new TheoryData<HttpTransportType, string>();
            foreach (var transport in new[] { HttpTransportType.LongPolling, HttpTransportType.ServerSentEvents })
            {
                foreach (var other in Others)
                {
                    data.Add(transport, other);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Others))]
    public async Task A_poll_with_another_identity_is_answered_as_an_unknown_connection_and_takes_none_of_the_owners_messages(string other)
    {
        await using var alice = await StartAliceAsync(HttpTransportType.LongPolling);
        var sent = await Server.InvalidateAsync(["account", "alice"]);

        var answer = await HubRequests.SendAsync(await CredentialsAsync(other), HubRequestKind.Poll, alice.ConnectionUrl);

        await AssertAnsweredAsUnknownAsync(other, HubRequestKind.Poll, alice.ConnectionUrl, answer);
        await AssertStillReceivesAsync(alice, sent.Id);
    }

    [Theory]
    [MemberData(nameof(TransportsAndOthers))]
    public async Task Sends_event_streams_and_closes_with_another_identity_are_answered_as_an_unknown_connection_and_change_nothing(HttpTransportType transport, string other)
    {
        await using var alice = await StartAliceAsync(transport);
        var who = await CredentialsAsync(other);
        var unsubscribe = $"{{\"type\":1,\"target\":\"{InvalidationHubMethods.Unsubscribe}\",\"arguments\":[[[\"account\",\"alice\"]]]}}\u001e";

        foreach (var kind in transport == HttpTransportType.LongPolling
            ? new[] { HubRequestKind.Send, HubRequestKind.Close }
            : [HubRequestKind.Send, HubRequestKind.EventStream])
        {
            var answer = await HubRequests.SendAsync(who, kind, alice.ConnectionUrl, unsubscribe);
            await AssertAnsweredAsUnknownAsync(other, kind, alice.ConnectionUrl, answer, unsubscribe);
        }

        // Alice still holds her tag, on a connection that is still open.
        var sent = await Server.InvalidateAsync(["account", "alice"]);
        await AssertStillReceivesAsync(alice, sent.Id);
    }

    [Theory]
    [MemberData(nameof(Others))]
    public async Task A_WebSocket_with_another_identity_is_refused_at_connect_and_the_owner_connects_after_it(string other)
    {
        var aliceCredentials = Alice();
        using var http = aliceCredentials.Client();
        var (_, token) = await RawHubSocket.NegotiateAsync(http, Server.HubUrl);
        var url = new Uri($"{Server.HubUrl}?id={Uri.EscapeDataString(token)}");

        var answer = await HubRequests.SendAsync(await CredentialsAsync(other), HubRequestKind.WebSocket, url);

        await AssertAnsweredAsUnknownAsync(other, HubRequestKind.WebSocket, url, answer);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await HubRequests.SendAsync(aliceCredentials, HubRequestKind.WebSocket, url)).Status);
    }

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    public async Task A_request_with_fresh_credentials_of_the_same_user_is_served(HttpTransportType transport)
    {
        await using var alice = await StartAliceAsync(transport);
        var sent = await Server.InvalidateAsync(["account", "alice"]);

        // Another token for the same claims (a refreshed one), and the sign-in cookie: the same user either way.
        var refreshed = new RawCredentials("alice, refreshed", Bearer: await Server.TokenAsync(TestUser.Alice));
        var body = $"{{\"type\":1,\"target\":\"{InvalidationHubMethods.Subscribe}\",\"arguments\":[[[\"account\",\"alice\",\"more\"]],null]}}\u001e";
        var answer = await HubRequests.SendAsync(refreshed, HubRequestKind.Send, alice.ConnectionUrl, body);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        await AssertStillReceivesAsync(alice, sent.Id);
    }

    private RawCredentials Alice() => new("alice", Bearer: fixture.Token(TestUser.Alice));

    private async Task<RawCredentials> CredentialsAsync(string who) => who switch
    {
        "bob" => new RawCredentials(who, Bearer: fixture.Token(TestUser.Bob)),
        "bob's cookie" => new RawCredentials(who, Cookies: await Server.SignInAsync(TestUser.Bob)),
        "nobody" => RawCredentials.Nobody,
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, null),
    };

    // Alice's connection over the hub open to anyone, holding her own account's tag.
    private async Task<RawHttpHub> StartAliceAsync(HttpTransportType transport)
    {
        var alice = await RawHttpHub.StartAsync(Server.HubUrl, transport, credentials: Alice());
        var completion = await alice.CompletionAsync(await alice.InvokeAsync(InvalidationHubMethods.Subscribe, "[[[\"account\",\"alice\"]],null]"));
        using var result = JsonDocument.Parse(completion!);
        Assert.Equal(0, result.RootElement.GetProperty("result").GetProperty("rejected").GetArrayLength());
        return alice;
    }

    // The same request with a token that never existed gets the same answer: the other identity cannot tell that
    // the token is alive.
    private async Task AssertAnsweredAsUnknownAsync(string other, HubRequestKind kind, Uri connectionUrl, (HttpStatusCode Status, string Body) answer, string body = "")
    {
        var unknown = await HubRequests.SendAsync(await CredentialsAsync(other), kind, HubRequests.WithMadeUpToken(connectionUrl), body);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal((kind, unknown), (kind, answer));
    }

    // The owner's next messages are the invalidation sent before the other identity's requests, then a sentinel
    // invalidated after them: nothing was taken, and the connection still holds its tag.
    private async Task AssertStillReceivesAsync(RawHttpHub alice, string sentId)
    {
        Assert.Contains(sentId, await NextInvalidationAsync(alice));
        var sentinel = await Server.InvalidateAsync(["account", "alice"]);
        Assert.Contains(sentinel.Id, await NextInvalidationAsync(alice));
    }

    private static async Task<string> NextInvalidationAsync(RawHttpHub hub)
    {
        while (await hub.ReceiveAsync() is { } message)
        {
            if (message.Contains($"\"target\":\"{InvalidationHubMethods.Invalidate}\"", StringComparison.Ordinal))
            {
                return message;
            }
        }

        throw new InvalidOperationException("The connection ended before the next invalidation.");
    }
}
