using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.TestServer;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// The .NET client against real Kestrel when it cannot connect: what retrying cannot fix ends the start at once (the
/// default policy retries forever), is thrown as a <see cref="TagInvalidationConnectionException"/> with a hint and
/// raises <see cref="TagInvalidationClient.Failed"/>; a lost connection whose reconnect is refused does the same.
/// </summary>
public sealed class ConnectionFailureTests(KestrelServerFixture fixture) : IClassFixture<KestrelServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Fact]
    public async Task A_hub_URL_with_no_hub_fails_at_once_with_the_hint_is_the_hub_mapped()
    {
        var url = new Uri(Server.Address, "/hubs/elsewhere");
        await using var client = TagInvalidationClient.Create(url);
        var failed = Record(client);

        var thrown = await Assert.ThrowsAsync<TagInvalidationConnectionException>(() => client.StartAsync().Within());

        Assert.Equal(TagInvalidationFailure.HubNotFound, thrown.Failure);
        Assert.Equal(HttpStatusCode.NotFound, thrown.StatusCode);
        Assert.StartsWith($"is the hub mapped at {url}?", thrown.Hint, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(thrown.InnerException);
        Assert.Same(thrown, (await failed.NextAsync()).Error);
        Assert.False(failed.HasPending);
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
    }

    [Fact]
    public async Task The_secure_hub_without_a_token_fails_with_401()
    {
        await using var client = TagInvalidationClient.Create(Server.SecureHubUrl);
        var failed = Record(client);

        var thrown = await Assert.ThrowsAsync<TagInvalidationConnectionException>(() => client.StartAsync().Within());

        Assert.Equal((TagInvalidationFailure.Unauthorized, HttpStatusCode.Unauthorized), (thrown.Failure, thrown.StatusCode));
        Assert.Contains("wants a signed-in user", thrown.Hint, StringComparison.Ordinal);
        Assert.Same(thrown, (await failed.NextAsync()).Error);
    }

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task MessagePack_asked_of_a_server_without_AddMessagePackProtocol_fails_with_the_hint_to_call_it(HttpTransportType transport)
    {
        await using var jsonOnly = await KestrelServer.StartAsync(TestServerApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--NoMessagePack=true"]));
        await using var client = TagInvalidationClient.Create(jsonOnly.HubUrl, options =>
        {
            options.Protocol = TagInvalidationProtocol.MessagePack;
            options.Transports = transport;
        });
        var failed = Record(client);

        var thrown = await Assert.ThrowsAsync<TagInvalidationConnectionException>(() => client.StartAsync().Within());

        Assert.Equal(TagInvalidationFailure.ProtocolNotSupported, thrown.Failure);
        Assert.Contains("call AddMessagePackProtocol() on the server", thrown.Hint, StringComparison.Ordinal);
        Assert.Contains("The protocol 'messagepack' is not supported", thrown.Message, StringComparison.Ordinal);
        Assert.Same(thrown, (await failed.NextAsync()).Error);

        // The same server speaks JSON.
        await using var json = TagInvalidationClient.Create(jsonOnly.HubUrl, options => options.Transports = transport);
        await json.StartAsync().Within();
        Assert.Equal(HubConnectionState.Connected, json.Connection.State);
    }

    [Fact]
    public async Task A_reconnect_the_hub_refuses_with_401_stops_retrying_and_raises_Failed()
    {
        var token = await Server.TokenAsync(TestUser.Alice);
        var signedIn = true;
        var policy = new CountingPolicy(TimeSpan.FromMilliseconds(100));
        await using var client = TagInvalidationClient.Create(Server.SecureHubUrl, options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.ReconnectPolicy = policy;

            // Good until the test signs out, as an expired sign-in would be.
            options.AccessTokenProvider = () => Task.FromResult<string?>(Volatile.Read(ref signedIn) ? token : "not-a-token");
        });
        var failed = Record(client);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await client.StartAsync().Within();
        // A call's answer means the hub has run OnConnectedAsync, where the server starts tracking the connection (a
        // start alone can return before that, and there would be nothing to abort).
        await client.SubscribeAsync([["account", "alice"]]).Within();
        Volatile.Write(ref signedIn, false);

        Assert.True(Server.AbortAllConnections() >= 1);

        var failure = (await failed.NextAsync()).Error;
        Assert.Equal((TagInvalidationFailure.Unauthorized, HttpStatusCode.Unauthorized), (failure.Failure, failure.StatusCode));
        Assert.Equal(TagInvalidationStatus.Failed, client.Status);
        await closed.Task.Within();
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);

        // The reconnect asked the user's policy for its first try only: the 401 ended it without another.
        Assert.Equal(1, policy.Asked);
        Assert.False(failed.HasPending);
    }

    [Fact]
    public async Task Stopping_the_client_raises_no_Failed()
    {
        await using var client = TagInvalidationClient.Create(Server.HubUrl);
        var failed = Record(client);
        await client.StartAsync().Within();

        await client.StopAsync().Within();

        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
        Assert.False(failed.HasPending);
    }

    private static EventRecorder<TagInvalidationFailedEventArgs> Record(TagInvalidationClient client)
    {
        var failed = new EventRecorder<TagInvalidationFailedEventArgs>();
        client.Failed += failed.Record;
        return failed;
    }

    /// <summary>Waits <paramref name="delay"/> between attempts forever, counting how often it was asked.</summary>
    private sealed class CountingPolicy(TimeSpan delay) : IRetryPolicy
    {
        private int _asked;

        public int Asked => Volatile.Read(ref _asked);

        public TimeSpan? NextRetryDelay(RetryContext retryContext)
        {
            Interlocked.Increment(ref _asked);
            return delay;
        }
    }
}
