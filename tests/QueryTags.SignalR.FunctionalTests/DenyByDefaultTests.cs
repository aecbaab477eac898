using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>With <c>DenyByDefault</c>, every tag a client may hold must be named by a rule.</summary>
public sealed class DenyByDefaultTests(DenyByDefaultServerFixture fixture) : IClassFixture<DenyByDefaultServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_tag_no_rule_covers_is_refused_and_a_covered_one_allowed(Transport transport)
    {
        await using var alice = await RawConnection.StartAsync(Server.SecureHubUrl, transport, Credentials.Bearer(fixture.Token(TestUser.Alice)));

        var result = await alice.SubscribeAsync(["todos"], ["account", "alice"], ["account"]);

        Assert.Equal([(0, TagRules.Forbidden), (2, TagRules.Forbidden)], result.Rejected.Select(rejection => (rejection.Index, rejection.Rule)));
        Assert.All(result.Rejected, rejection => Assert.Contains($"no rule allows {rejection.Tag} (deny by default)", rejection.Reason));
        var sent = await Server.InvalidateAsync(["account", "alice"]);
        Assert.Equal(sent.Id, (await alice.NextAsync()).Id);
        await Server.InvalidateAsync(["todos"]);
        Assert.Empty(await alice.ReceivedBeforeSentinelAsync(Server, TestUser.Alice.FreshAccountTag()));
    }
}
