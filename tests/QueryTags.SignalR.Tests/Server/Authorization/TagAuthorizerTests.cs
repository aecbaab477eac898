using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

/// <summary>Per-tag authorization, through the admission step every subscribed tag passes.</summary>
public class TagAuthorizerTests
{
    [Fact]
    public async Task A_tag_no_rule_covers_is_allowed_unless_denied_by_default()
    {
        var open = new TestServices(authorize: rules => rules.Allow(["user", "{sub}"]));
        var closed = new TestServices(authorize: rules =>
        {
            rules.DenyByDefault = true;
            rules.Allow(["todos"]);
        });

        Assert.Empty(await RejectedAsync(open, Anonymous, ["todos"], ["anything", 1]));
        var rejections = await RejectedAsync(closed, Anonymous, ["todos", 5], ["anything", 1]);
        var rejection = Assert.Single(rejections);
        Assert.Equal((1, TagRules.Forbidden), (rejection.Index, rejection.Rule));
        Assert.Equal("the connection may not hold the tag: no rule allows [\"anything\",1] (deny by default)", rejection.Reason);
    }

    [Fact]
    public async Task A_placeholder_rule_lets_each_user_hold_their_own_tags_only()
    {
        var server = new TestServices(authorize: rules => rules.Allow(["user", "{sub}"]));

        Assert.Empty(await RejectedAsync(server, User(("sub", "alice")), ["user", "alice", "todos"]));
        var rejection = Assert.Single(await RejectedAsync(server, User(("sub", "bob")), ["user", "alice", "todos"]));
        Assert.Single(await RejectedAsync(server, Anonymous, ["user", "alice"]));

        Assert.Equal(TagRules.Forbidden, rejection.Rule);
        Assert.Equal("the connection may not hold the tag: [\"user\",\"alice\",\"todos\"] is refused by the rule [\"user\",\"{sub}\"]", rejection.Reason);
        Assert.DoesNotContain("bob", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_rule_a_tag_falls_under_must_allow_it()
    {
        var server = new TestServices(authorize: rules => rules
            .Allow(["org", "{org_id}"])
            .Require(["org"], context => ValueTask.FromResult(context.User.HasClaim("role", "member"))));

        Assert.Empty(await RejectedAsync(server, User(("org_id", "acme"), ("role", "member")), ["org", "acme"]));
        Assert.Single(await RejectedAsync(server, User(("org_id", "acme")), ["org", "acme"]));
        Assert.Single(await RejectedAsync(server, User(("org_id", "globex"), ("role", "member")), ["org", "acme"]));
    }

    [Fact]
    public async Task A_policy_rule_asks_the_authorization_service_with_the_tag_as_resource()
    {
        Tag? resource = null;
        var server = new TestServices(
            authorize: rules => rules.RequirePolicy(["admin"], "Admins"),
            services: services => services.AddAuthorization(options => options.AddPolicy("Admins", policy => policy.RequireAssertion(context =>
            {
                resource = (Tag?)context.Resource;
                return context.User.HasClaim("role", "admin");
            }))));

        Assert.Empty(await RejectedAsync(server, User(("role", "admin")), ["admin", "reports"]));
        Assert.Equal(new Tag("admin", "reports"), resource);
        Assert.Equal(TagRules.Forbidden, Assert.Single(await RejectedAsync(server, User(("role", "user")), ["admin"])).Rule);
    }

    [Fact]
    public async Task A_handler_is_asked_once_per_connection_and_covered_prefix()
    {
        var asked = new List<string>();
        var server = new TestServices(
            options => options.MaxGroupsPerConnection = options.MaxTagTextPerConnection = 100_000,
            rules => rules.Require(["project", "{project}"], context =>
            {
                asked.Add(context.Prefix.Canonical);
                return ValueTask.FromResult(context.Prefix[1].StringValue != "secret");
            }));
        var connection = server.Connect();
        connection.Principal = User(("project", "p1"), ("project", "secret"));
        var tags = Enumerable.Range(0, 1000).Select(i => Wire(["project", "p1", "task", i])).ToArray();

        var first = await server.Subscriptions.SubscribeAsync(connection, new RecordingGroupManager(), [.. tags.Take(200)], null);
        var second = await server.Subscriptions.SubscribeAsync(connection, new RecordingGroupManager(), [.. tags.Skip(200).Take(200), Wire(["project", "secret", 1]), Wire(["project", "secret", 2])], null);

        Assert.Empty(first.Rejected);
        Assert.Equal([200, 201], second.Rejected.Select(rejection => rejection.Index));
        Assert.Equal(["[\"project\",\"p1\"]", "[\"project\",\"secret\"]"], asked);

        // Another connection asks again: answers are kept per connection.
        var other = server.Connect();
        other.Principal = connection.Principal;
        await server.Subscriptions.SubscribeAsync(other, new RecordingGroupManager(), [tags[0]], null);
        Assert.Equal(3, asked.Count);
    }

    [Fact]
    public async Task The_answers_a_connection_keeps_are_bounded()
    {
        var asked = 0;
        var server = new TestServices(authorize: rules => rules.Require(["project", "{*}"], _ =>
        {
            asked++;
            return ValueTask.FromResult(false);
        }));
        var connection = server.Connect();
        var prefixes = TagAuthorizer.MaxAnswersPerConnection + 10;

        // Ever new refused prefixes, as a hostile client could send: the connection keeps at most the bound.
        foreach (var chunk in Enumerable.Range(0, prefixes).Chunk(256))
        {
            await server.Subscriptions.SubscribeAsync(connection, new RecordingGroupManager(), [.. chunk.Select(i => Wire(["project", i]))], null);
        }

        Assert.Equal(prefixes, asked);
        Assert.True(server.Connections.TryGet(connection.ConnectionId, out var state));
        Assert.InRange(state.AuthorizationAnswers!.Count, 1, TagAuthorizer.MaxAnswersPerConnection);
    }

    [Fact]
    public async Task A_handler_that_throws_refuses_the_tag()
    {
        var server = new TestServices(authorize: rules => rules.Require(["project"], _ => throw new InvalidOperationException("database down")));

        var rejection = Assert.Single(await RejectedAsync(server, Anonymous, ["project", 1]));

        Assert.Equal(TagRules.Forbidden, rejection.Rule);
        Assert.DoesNotContain("database down", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_tag_is_neither_joined_nor_in_missed()
    {
        var server = new TestServices(authorize: rules => rules.Allow(["user", "{sub}"]));
        var connection = server.Connect();
        connection.Principal = User(("sub", "bob"));
        var groups = new RecordingGroupManager();
        var start = await server.Log.CurrentAsync(default);
        await server.Invalidator.InvalidateTagsAsync([["user", "alice"], ["user", "bob"]]);

        var result = await server.Subscriptions.SubscribeAsync(connection, groups, [Wire(["user", "alice"]), Wire(["user", "bob"])], start.ToString());

        Assert.Equal([new Tag("user", "bob")], result.Missed);
        Assert.Equal(0, Assert.Single(result.Rejected).Index);
        Assert.DoesNotContain(groups.Joined, group => group.Contains("alice", StringComparison.Ordinal));
    }

    private static ClaimsPrincipal Anonymous => new(new ClaimsIdentity());

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(claim => new Claim(claim.Type, claim.Value)), "test"));

    private static object Wire(Tag tag) => System.Text.Json.JsonSerializer.SerializeToElement(tag);

    private static async Task<IReadOnlyList<TagRejection>> RejectedAsync(TestServices server, ClaimsPrincipal user, params Tag[] tags)
    {
        var connection = server.Connect();
        connection.Principal = user;
        return (await server.Subscriptions.SubscribeAsync(connection, new RecordingGroupManager(), [.. tags.Select(Wire)], null)).Rejected;
    }
}
