using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Signing out on one node closes the user's connections on every node of the same Redis.</summary>
public sealed class TwoNodeSignOutTests(TwoNodeFixture nodes) : IClassFixture<TwoNodeFixture>
{
    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_sign_out_on_node_A_closes_the_users_connections_on_node_B_and_no_one_elses(Transport transport)
    {
        var aliceToken = await nodes.NodeA.TokenAsync(TestUser.Alice);
        await using var onA = await RawConnection.StartAsync(nodes.NodeA.HubUrl, transport, Credentials.Bearer(aliceToken));
        await using var onB = await RawConnection.StartAsync(nodes.NodeB.HubUrl, transport, Credentials.Bearer(aliceToken));
        await using var bob = await RawConnection.StartAsync(nodes.NodeB.HubUrl, transport, Credentials.Bearer(await nodes.NodeA.TokenAsync(TestUser.Bob)));
        var closedOnA = Closed(onA);
        var closedOnB = Closed(onB);

        await nodes.NodeA.SignOutAsync(aliceToken);

        await Task.WhenAll(closedOnA, closedOnB).Within();
        Assert.Empty(await bob.ReceivedBeforeSentinelAsync(nodes.NodeA, TestUser.Bob.FreshAccountTag()));
        Assert.Equal(HubConnectionState.Connected, bob.Connection.State);
    }

    private static Task Closed(RawConnection connection)
    {
        var closed = new TaskCompletionSource();
        connection.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
