using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// <c>CloseOnAuthenticationExpiration</c>, as docs/security.md describes it: the test server's secure hub sets it, so a
/// connection closes when the token it was opened with expires, and the client comes back with the token it has now.
/// </summary>
public sealed class AuthenticationExpiryTests(AuthenticatedServerFixture fixture) : IClassFixture<AuthenticatedServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_connection_closes_when_its_token_expires_and_comes_back_with_a_fresh_one(Transport transport)
    {
        // The connection opens with a token valid for two seconds (the negotiate and the transport's request each ask
        // for one); once it is up, the provider hands out a fresh token, as a client that refreshes its token does.
        var shortLived = await Server.TokenAsync(TestUser.Alice, TimeSpan.FromSeconds(2));
        var started = false;
        await using var connection = RawConnection.Wrap(RawConnection.Builder(Server.SecureHubUrl, transport, options =>
                options.AccessTokenProvider = () => Task.FromResult<string?>(Volatile.Read(ref started) ? fixture.Token(TestUser.Alice) : shortLived))
            .WithAutomaticReconnect([TimeSpan.Zero])
            .Build());
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Connection.Reconnected += _ =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        connection.Connection.Closed += error =>
        {
            reconnected.TrySetException(new InvalidOperationException($"The connection closed for good: {error?.Message}"));
            return Task.CompletedTask;
        };
        await connection.Connection.StartAsync().Within();
        Volatile.Write(ref started, true);

        await reconnected.Task.Within();

        // The new connection is alice's, with the fresh token.
        Assert.Empty(await connection.ReceivedBeforeSentinelAsync(Server, TestUser.Alice.FreshAccountTag()));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_client_left_with_its_expired_token_reports_unauthorized(Transport transport)
    {
        var shortLived = await Server.TokenAsync(TestUser.Alice, TimeSpan.FromSeconds(2));
        await using var client = TagInvalidationClient.Create(Server.SecureHubUrl, options =>
        {
            options.Transports = transport.Type;
            options.Protocol = transport.Protocol;
            options.AccessTokenProvider = () => Task.FromResult<string?>(shortLived);
        });
        var failed = new EventRecorder<TagInvalidationFailedEventArgs>();
        client.Failed += failed.Record;
        await client.StartAsync().Within();

        Assert.Equal(TagInvalidationFailure.Unauthorized, (await failed.NextAsync()).Error.Failure);
    }
}
