using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.TestServer;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// Per-tag authorization with the test server's rules (<see cref="TestTagRules"/>): a connection holds only what
/// its user may, and sees nothing of the tags it may not hold, asserted on what arrives on the wire.
/// </summary>
public sealed class TagAuthorizationTests(AuthenticatedServerFixture fixture) : IClassFixture<AuthenticatedServerFixture>
{
    private const string AccountRule = "[\"account\",\"{sub}\"]";

    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task Tags_of_another_user_or_organization_are_rejected_as_forbidden_and_never_delivered(Transport transport)
    {
        await using var alice = await ConnectAsync(TestUser.Alice, transport);

        var result = await alice.SubscribeAsync(["account", "bob"], ["account", "alice"], ["org", "globex-inc"], ["org", "acme-corp"], ["account", "bob", "orders"]);

        Assert.Equal([0, 2, 4], result.Rejected.Select(rejection => rejection.Index));
        Assert.All(result.Rejected, rejection => Assert.Equal(TagRules.Forbidden, rejection.Rule));
        Assert.Equal(["[\"account\",\"bob\"]", "[\"org\",\"globex-inc\"]", "[\"account\",\"bob\",\"orders\"]"], result.Rejected.Select(rejection => rejection.Tag));
        foreach (var (rejection, rule) in result.Rejected.Zip([AccountRule, "[\"org\",\"{org_id}\"]", AccountRule]))
        {
            // The reason names the tag and the rule as written; the caller's own claims stay out of it.
            Assert.StartsWith(TagRules.Describe(TagRules.Forbidden), rejection.Reason);
            Assert.Contains(rejection.Tag, rejection.Reason);
            Assert.Contains(rule, rejection.Reason);
            AssertRevealsNothingOf(TestUser.Alice, rejection.Reason);
        }

        await Server.InvalidateAsync(["account", "bob"]);
        await Server.InvalidateAsync(["org", "globex-inc"]);
        await Server.InvalidateAsync(["account", "bob", "orders"]);
        Assert.Empty(await alice.ReceivedBeforeSentinelAsync(Server, TestUser.Alice.FreshAccountTag()));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task The_rules_hold_on_the_open_hub_too_an_anonymous_connection_holds_no_account(Transport transport)
    {
        await using var anonymous = await RawConnection.StartAsync(Server, transport);

        var result = await anonymous.SubscribeAsync(["account", "alice"], ["todos"]);

        var rejection = Assert.Single(result.Rejected);
        Assert.Equal((0, TagRules.Forbidden), (rejection.Index, rejection.Rule));
        Assert.Contains(AccountRule, rejection.Reason);
        await Server.InvalidateAsync(["account", "alice"]);
        Assert.Empty(await anonymous.ReceivedBeforeSentinelAsync(Server, ["sentinel", Guid.NewGuid().ToString("N")]));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_forbidden_tag_never_shows_in_missed_whether_asked_by_cursor_or_by_age(Transport transport)
    {
        var page = Guid.NewGuid().ToString("N");
        Tag theirs = ["account", "alice", page];
        Tag mine = ["account", "bob", page];
        InvalidationCursor cursor;
        await using (var before = await ConnectAsync(TestUser.Bob, transport))
        {
            cursor = (await before.SubscribeAsync(mine)).Cursor;
        }

        await Server.InvalidateAsync(theirs);
        await Server.InvalidateAsync(mine);

        foreach (var since in new[] { cursor.ToString(), InvalidationCursor.ForAge(TimeSpan.FromSeconds(30)) })
        {
            await using var bob = await ConnectAsync(TestUser.Bob, transport);
            var result = await bob.SubscribeAsync([theirs, mine], since);

            Assert.False(result.Reset);
            var rejection = Assert.Single(result.Rejected);
            Assert.Equal((0, TagRules.Forbidden), (rejection.Index, rejection.Rule));
            Assert.Equal([mine], result.Missed);
        }
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task One_call_invalidating_two_users_tags_gives_each_a_copy_with_their_own_tag_alone(Transport transport)
    {
        await using var alice = await ConnectAsync(TestUser.Alice, transport);
        await using var bob = await ConnectAsync(TestUser.Bob, transport);
        Assert.Empty((await alice.SubscribeAsync(["account", "alice"])).Rejected);
        Assert.Empty((await bob.SubscribeAsync(["account", "bob"])).Rejected);

        var sent = await Server.InvalidateAsync(["account", "alice"], ["account", "bob"]);

        var toAlice = await alice.NextAsync();
        var toBob = await bob.NextAsync();
        Assert.Equal([sent.Id, sent.Id], [toAlice.Id, toBob.Id]);
        Assert.Equal([new Tag("account", "alice")], toAlice.Tags);
        Assert.Equal([new Tag("account", "bob")], toBob.Tags);
        Assert.Empty(await alice.ReceivedBeforeSentinelAsync(Server, TestUser.Alice.FreshAccountTag()));
        Assert.Empty(await bob.ReceivedBeforeSentinelAsync(Server, TestUser.Bob.FreshAccountTag()));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_policy_rule_allows_admins_and_refuses_everyone_else(Transport transport)
    {
        await using var admin = await ConnectAsync(TestUser.Alice, transport);
        await using var auditor = await ConnectAsync(TestUser.Bob, transport);

        Assert.Empty((await admin.SubscribeAsync(["admin", "audit-log"])).Rejected);
        var refused = Assert.Single((await auditor.SubscribeAsync(["admin", "audit-log"])).Rejected);

        Assert.Equal(TagRules.Forbidden, refused.Rule);
        Assert.Contains("[\"admin\",\"audit-log\"]", refused.Reason);
        Assert.Contains("[\"admin\"]", refused.Reason);
        AssertRevealsNothingOf(TestUser.Bob, refused.Reason);
        var sent = await Server.InvalidateAsync(["admin", "audit-log"]);
        Assert.Equal(sent.Id, (await admin.NextAsync()).Id);
        Assert.Empty(await auditor.ReceivedBeforeSentinelAsync(Server, TestUser.Bob.FreshAccountTag()));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_handler_rule_is_asked_once_per_connection_and_covered_prefix(Transport transport)
    {
        await using var alice = await ConnectAsync(TestUser.Alice, transport);
        var id = alice.Connection.ConnectionId!;

        var many = await alice.SubscribeAsync(Enumerable.Range(0, 80).Select(i => new Tag("project", 7, "task", i)).ToArray());

        Assert.Empty(many.Rejected);
        Assert.Equal([new Tag("project", 7)], Server.Projects.AskedBy(id));

        // A new prefix is asked about once; a refusal is kept as well as a grant.
        Assert.Empty((await alice.SubscribeAsync(["project", 7], ["project", 8, "task", 1], ["project", 8, "task", 2])).Rejected);
        var archived = await alice.SubscribeAsync(["project", ProjectChecks.Archived], ["project", ProjectChecks.Archived, "task", 1]);
        Assert.Equal([(0, TagRules.Forbidden), (1, TagRules.Forbidden)], archived.Rejected.Select(rejection => (rejection.Index, rejection.Rule)));
        Assert.Contains("[\"project\",\"{project}\"]", archived.Rejected[0].Reason);
        Assert.Equal([new Tag("project", 7), new Tag("project", 8), new Tag("project", ProjectChecks.Archived)], Server.Projects.AskedBy(id));

        // A project the user's claims do not name is refused by the pattern, without asking the handler.
        Assert.Equal(TagRules.Forbidden, Assert.Single((await alice.SubscribeAsync(["project", 9])).Rejected).Rule);
        Assert.Equal(3, Server.Projects.AskedBy(id).Count);

        // Another connection of the same user has answers of its own.
        await using var again = await ConnectAsync(TestUser.Alice, transport);
        Assert.Empty((await again.SubscribeAsync(["project", 7, "task", 0])).Rejected);
        Assert.Equal([new Tag("project", 7)], Server.Projects.AskedBy(again.Connection.ConnectionId!));
        Assert.Equal(3, Server.Projects.AskedBy(id).Count);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_reconnect_as_another_user_holds_only_what_that_user_may(Transport transport)
    {
        var token = fixture.Token(TestUser.Alice);
        await using var client = TagInvalidationClient.Create(Server.SecureHubUrl, options =>
        {
            options.Transports = transport.Type;
            options.Protocol = transport.Protocol;
            options.FirstSubscribeMargin = TimeSpan.Zero;
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
        });
        var watch = new ClientWatch(client);
        await client.StartAsync().Within();
        await client.SubscribeAsync([["account", "alice"]]).Within();
        var before = await Server.InvalidateAsync(["account", "alice"]);
        Assert.Equal(before.Id, (await watch.Wire.NextAsync()).Id);

        // The user signs out and bob signs in on the same page; the connection drops and comes back as bob's.
        token = fixture.Token(TestUser.Bob);
        Assert.True(Server.AbortAllConnections() >= 1);
        await watch.Reconnected.Within();

        var refused = Assert.Single((await watch.Rejected.NextAsync()).Rejections);
        Assert.Equal(("[\"account\",\"alice\"]", TagRules.Forbidden), (refused.Tag, refused.Rule));
        Assert.Empty(client.HeldTags);
        await Server.InvalidateAsync(["account", "alice"]);
        Tag sentinel = TestUser.Bob.FreshAccountTag();
        Assert.Empty((await client.SubscribeAsync([sentinel]).Within())!.Rejected);
        var sentinelId = (await Server.InvalidateAsync(sentinel)).Id;
        Assert.Equal(sentinelId, (await watch.Wire.NextAsync()).Id);
    }

    [Fact]
    public async Task A_group_depth_shallower_than_a_rule_stops_the_server_at_start()
    {
        // MaxGroupDepth 1 would put every holder of an ["account", ...] tag in the group ["account"], which an
        // invalidation of ["account", "bob"] is sent to: alice would receive bob's copies.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelServer.StartAsync(options => options.MaxGroupDepth = 1));

        Assert.Contains("[\"account\",\"{sub}\"]", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxGroupDepth", error.Message, StringComparison.Ordinal);
    }

    private async Task<RawConnection> ConnectAsync(TestUser user, Transport transport) =>
        await RawConnection.StartAsync(Server.SecureHubUrl, transport, Credentials.Bearer(fixture.Token(user)));

    private static void AssertRevealsNothingOf(TestUser user, string reason)
    {
        foreach (var value in user.TextValues)
        {
            Assert.DoesNotContain(value, reason, StringComparison.OrdinalIgnoreCase);
        }
    }
}
