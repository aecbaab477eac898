using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Per-tag authorization across two nodes on one redis-server: a token from one node opens the other's secure hub, and the backplane carries each group its own copy.</summary>
public sealed class TwoNodeAuthorizationTests(TwoNodeFixture nodes) : IClassFixture<TwoNodeFixture>
{
    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_call_on_node_A_invalidating_two_users_tags_gives_each_holder_on_node_B_their_own_tag_alone(Transport transport)
    {
        await using var alice = await RawConnection.StartAsync(nodes.NodeB.SecureHubUrl, transport, Credentials.Bearer(await nodes.NodeA.TokenAsync(TestUser.Alice)));
        await using var bob = await RawConnection.StartAsync(nodes.NodeB.SecureHubUrl, transport, Credentials.Bearer(await nodes.NodeA.TokenAsync(TestUser.Bob)));
        Assert.Equal(TagRules.Forbidden, Assert.Single((await alice.SubscribeAsync(["account", "alice"], ["account", "bob"])).Rejected).Rule);
        Assert.Empty((await bob.SubscribeAsync(["account", "bob"])).Rejected);

        var sent = await nodes.NodeA.InvalidateAsync(["account", "alice"], ["account", "bob"]);

        var toAlice = await alice.NextAsync();
        var toBob = await bob.NextAsync();
        Assert.Equal((sent.Id, new Tag("account", "alice")), (toAlice.Id, Assert.Single(toAlice.Tags)));
        Assert.Equal((sent.Id, new Tag("account", "bob")), (toBob.Id, Assert.Single(toBob.Tags)));
        Assert.Empty(await alice.ReceivedBeforeSentinelAsync(nodes.NodeA, TestUser.Alice.FreshAccountTag()));
    }
}
