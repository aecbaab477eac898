using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class ConnectionSubscriptionsTests
{
    private readonly ConnectionSubscriptions _subscriptions = new(maxGroupDepth: 8);

    [Fact]
    public void First_holder_joins_every_prefix_group()
    {
        var join = new List<string>();

        Assert.True(_subscriptions.Hold(["todo", 5], join));

        AssertGroups(join, """qt:["todo"]""", """qt:["todo",5]""");
        Assert.Equal(1, _subscriptions.Count);
        Assert.True(_subscriptions.Holds(["todo", 5]));
        Assert.False(_subscriptions.Holds(["todo"]));
    }

    [Fact]
    public void Shared_prefix_group_is_joined_once()
    {
        var first = new List<string>();
        var second = new List<string>();

        _subscriptions.Hold(["todo", 5], first);
        _subscriptions.Hold(["todo", 6], second);

        AssertGroups(first, """qt:["todo"]""", """qt:["todo",5]""");
        AssertGroups(second, """qt:["todo",6]""");
        Assert.Equal(2, _subscriptions.Count);
    }

    [Fact]
    public void Releasing_one_tag_keeps_the_prefix_group_another_still_needs()
    {
        _subscriptions.Hold(["todo", 5], []);
        _subscriptions.Hold(["todo", 6], []);
        var leave = new List<string>();

        Assert.True(_subscriptions.Release(["todo", 5], leave));

        AssertGroups(leave, """qt:["todo",5]""");
        Assert.False(_subscriptions.Holds(["todo", 5]));
        Assert.True(_subscriptions.Holds(["todo", 6]));
    }

    [Fact]
    public void Releasing_the_last_tag_leaves_the_prefix_group()
    {
        _subscriptions.Hold(["todo", 5], []);
        _subscriptions.Hold(["todo", 6], []);
        var first = new List<string>();
        var second = new List<string>();

        _subscriptions.Release(["todo", 5], first);
        _subscriptions.Release(["todo", 6], second);

        AssertGroups(first, """qt:["todo",5]""");
        AssertGroups(second, """qt:["todo"]""", """qt:["todo",6]""");
        Assert.Equal(0, _subscriptions.Count);
    }

    [Fact]
    public void A_tag_and_its_own_prefix_share_groups()
    {
        var first = new List<string>();
        var second = new List<string>();
        var leave = new List<string>();

        _subscriptions.Hold(["todo"], first);
        _subscriptions.Hold(["todo", 5], second);
        _subscriptions.Release(["todo"], leave);

        AssertGroups(first, """qt:["todo"]""");
        AssertGroups(second, """qt:["todo",5]""");
        Assert.Empty(leave);
    }

    [Fact]
    public void Holding_a_tag_again_returns_false_and_joins_nothing()
    {
        _subscriptions.Hold(["todo", 5], []);
        var join = new List<string>();

        Assert.False(_subscriptions.Hold(Tag.Parse("""[ "todo", 5 ]"""), join));

        Assert.Empty(join);
        Assert.Equal(1, _subscriptions.Count);

        // Not counted twice: one release leaves the groups.
        var leave = new List<string>();
        _subscriptions.Release(["todo", 5], leave);
        AssertGroups(leave, """qt:["todo"]""", """qt:["todo",5]""");
    }

    [Fact]
    public void Releasing_a_tag_not_held_returns_false_and_leaves_nothing()
    {
        _subscriptions.Hold(["todo", 5], []);
        var leave = new List<string>();

        Assert.False(_subscriptions.Release(["todo", 6], leave));
        Assert.False(_subscriptions.Release(["todo"], leave));

        Assert.Empty(leave);
        Assert.True(_subscriptions.Holds(["todo", 5]));
    }

    [Fact]
    public void Groups_stop_at_the_max_group_depth()
    {
        var subscriptions = new ConnectionSubscriptions(maxGroupDepth: 2);
        var join = new List<string>();
        var leave = new List<string>();

        subscriptions.Hold(["org", "acme", "members", 1], join);
        subscriptions.Release(["org", "acme", "members", 1], leave);

        AssertGroups(join, """qt:["org"]""", """qt:["org","acme"]""");
        AssertGroups(leave, """qt:["org"]""", """qt:["org","acme"]""");
    }

    [Fact]
    public void Tags_that_differ_below_the_depth_share_their_truncated_groups()
    {
        var subscriptions = new ConnectionSubscriptions(maxGroupDepth: 1);
        var first = new List<string>();
        var second = new List<string>();
        var leave = new List<string>();

        subscriptions.Hold(["todo", 5], first);
        subscriptions.Hold(["todo", 6], second);
        subscriptions.Release(["todo", 5], leave);

        AssertGroups(first, """qt:["todo"]""");
        Assert.Empty(second);
        Assert.Empty(leave);
        Assert.Equal(1, subscriptions.Count);
    }

    [Fact]
    public void After_everything_is_released_holding_again_joins_again()
    {
        var leaveTag = new List<string>();
        var leavePrefix = new List<string>();
        var joinAgain = new List<string>();
        _subscriptions.Hold(["todo"], []);
        _subscriptions.Hold(["todo", 5], []);

        _subscriptions.Release(["todo", 5], leaveTag);
        Assert.True(_subscriptions.Holds(["todo"]));
        _subscriptions.Release(["todo"], leavePrefix);
        Assert.False(_subscriptions.Holds(["todo"]));
        _subscriptions.Hold(["todo", 5], joinAgain);

        AssertGroups(leaveTag, """qt:["todo",5]""");
        AssertGroups(leavePrefix, """qt:["todo"]""");
        AssertGroups(joinAgain, """qt:["todo"]""", """qt:["todo",5]""");
        Assert.Equal(1, _subscriptions.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Holding_adds_exactly_what_its_cost_predicted(int maxGroupDepth)
    {
        // Seeded: tags from a small vocabulary, so prefixes are shared, repeated, held and released in every order.
        var random = new Random(19 + maxGroupDepth);
        var subscriptions = new ConnectionSubscriptions(maxGroupDepth);
        for (var step = 0; step < 2_000; step++)
        {
            Tag tag = Tag.Create([.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => (TagSegment)random.Next(3))]);
            if (random.Next(3) == 0)
            {
                subscriptions.Release(tag, []);
                continue;
            }

            var cost = subscriptions.CostOf(tag);
            var (groups, text) = (subscriptions.GroupCount, subscriptions.TextLength);
            var join = new List<string>();

            subscriptions.Hold(tag, join);

            Assert.Equal(cost, new HoldCost(subscriptions.GroupCount - groups, subscriptions.TextLength - text));
            Assert.Equal(cost.Groups, join.Count);
        }
    }

    private static void AssertGroups(List<string> actual, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
}
