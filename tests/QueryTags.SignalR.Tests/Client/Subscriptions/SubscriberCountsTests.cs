using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Tests.Client.Internal;

public class SubscriberCountsTests
{
    private readonly SubscriberCounts _ledger = new();

    [Fact]
    public void Only_a_tags_first_subscriber_sends_it()
    {
        Assert.Equal([new Tag("todo", 5)], _ledger.Add([["todo", 5]]));
        Assert.Empty(_ledger.Add([["todo", 5]]));

        Assert.Equal(2, _ledger.SubscribersOf(["todo", 5]));
        Assert.Equal([new Tag("todo", 5)], _ledger.Held);
    }

    [Fact]
    public void A_tag_named_twice_in_one_call_gets_two_subscribers_and_is_sent_once()
    {
        Assert.Equal([new Tag("todos")], _ledger.Add([["todos"], ["todos"]]));

        Assert.Equal(2, _ledger.SubscribersOf(["todos"]));
    }

    [Fact]
    public void Only_a_tags_last_subscriber_releases_it()
    {
        _ledger.Add([["todo", 5], ["todo", 5], ["todos"]]);

        Assert.Empty(_ledger.Remove([["todo", 5]]));
        Assert.Equal([new Tag("todo", 5), new Tag("todos")], _ledger.Remove([["todo", 5], ["todos"]]));

        Assert.Empty(_ledger.Held);
        Assert.Equal(0, _ledger.SubscribersOf(["todo", 5]));
    }

    [Fact]
    public void Removing_a_tag_that_is_not_held_changes_nothing()
    {
        _ledger.Add([["todos"]]);

        Assert.Empty(_ledger.Remove([["todo", 5]]));

        Assert.Equal([new Tag("todos")], _ledger.Held);
    }

    [Fact]
    public void A_tag_counted_down_to_zero_is_sent_again_by_its_next_subscriber()
    {
        _ledger.Add([["todos"]]);
        _ledger.Remove([["todos"]]);

        Assert.Equal([new Tag("todos")], _ledger.Add([["todos"]]));
    }

    [Fact]
    public void Tags_are_told_apart_by_segment_type()
    {
        Assert.Equal([new Tag("todo", 5), new Tag("todo", "5")], _ledger.Add([["todo", 5], ["todo", "5"]]));
    }

    [Fact]
    public void A_forgotten_tag_is_dropped_whatever_its_count()
    {
        _ledger.Add([["bad"], ["bad"], ["todos"]]);

        _ledger.Forget(["bad"]);

        Assert.Equal([new Tag("todos")], _ledger.Held);
        Assert.Empty(_ledger.Remove([["bad"]]));
        Assert.Equal([new Tag("bad")], _ledger.Add([["bad"]]));
    }

    [Fact]
    public void An_empty_tag_is_refused_before_anything_is_counted()
    {
        _ledger.Add([["kept"]]);

        Assert.Throws<ArgumentException>("tags", () => _ledger.Add([["todos"], default]));
        Assert.Throws<ArgumentException>("tags", () => _ledger.Remove([["kept"], default]));

        Assert.Equal(0, _ledger.SubscribersOf(["todos"]));
        Assert.Equal(1, _ledger.SubscribersOf(["kept"]));
    }

    [Fact]
    public void An_invalidation_matches_the_held_tags_it_is_a_prefix_of()
    {
        _ledger.Add([["todo", 5], ["todo", 6], ["todos"], ["user", 5]]);

        Assert.Equal([new Tag("todo", 5), new Tag("todo", 6)], _ledger.Matching([["todo"]]));
        Assert.Equal([new Tag("todo", 5), new Tag("todos")], _ledger.Matching([["todo", 5], ["todos"], ["todo", 5, "x"]]));
        Assert.Empty(_ledger.Matching([["user", "5"]]));
    }
}
