using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class HeldTagCountsTests
{
    private readonly HeldTagCounts _counts = new();

    [Fact]
    public void Holds_count_each_connection_and_distinct_tags_and_groups_count_once()
    {
        var first = Connection();
        var second = Connection();

        first.Hold(["todo", 5], []);
        first.Hold(["todo", 6], []);
        second.Hold(["todo", 5], []);

        Assert.Equal((3, 2, 3), (_counts.Holds, _counts.DistinctTags, _counts.Groups));
        Assert.Equal(2, _counts.HoldersOf("""["todo"]"""));
        Assert.Equal(2, _counts.HoldersOf("""["todo",5]"""));
        Assert.Equal(1, _counts.HoldersOf("""["todo",6]"""));
    }

    [Fact]
    public void A_release_and_a_closed_connection_take_back_exactly_what_they_added()
    {
        var first = Connection();
        var second = Connection();
        first.Hold(["todo", 5], []);
        first.Hold(["todo", 6], []);
        second.Hold(["todo", 5], []);

        first.Release(["todo", 6], []);
        Assert.Equal((2, 1, 2), (_counts.Holds, _counts.DistinctTags, _counts.Groups));

        second.ReleaseAll();
        Assert.Equal((1, 1, 2), (_counts.Holds, _counts.DistinctTags, _counts.Groups));

        // After it left the counts, a closed connection changes only itself.
        second.Hold(["other"], []);
        first.ReleaseAll();
        Assert.Equal((0, 0, 0), (_counts.Holds, _counts.DistinctTags, _counts.Groups));
        Assert.Equal(0, _counts.HoldersOf("""["todo"]"""));
    }

    [Fact]
    public void Top_prefixes_are_those_within_the_depth_and_with_enough_holders_most_held_first()
    {
        for (var i = 0; i < 4; i++)
        {
            var connection = Connection();
            connection.Hold(["todos"], []);
            connection.Hold(["user", "alice", "todos"], []);
            if (i < 3)
            {
                connection.Hold(["stats"], []);
            }

            if (i < 2)
            {
                connection.Hold(["rare"], []);
            }
        }

        Assert.Equal(
            [("""["todos"]""", 4), ("""["user"]""", 4), ("""["stats"]""", 3)],
            _counts.TopPrefixes(top: 10, maxDepth: 1, minimumHolders: 3).Select(prefix => (prefix.Prefix, prefix.Holders)));
        // Ties in the canonical text's ordinal order.
        Assert.Equal(["""["todos"]""", """["user","alice"]""", """["user"]"""], _counts.TopPrefixes(top: 3, maxDepth: 2, minimumHolders: 3).Select(prefix => prefix.Prefix));
        Assert.Contains(_counts.TopPrefixes(top: 10, maxDepth: 1, minimumHolders: 2), prefix => prefix.Prefix == """["rare"]""");
    }

    [Fact]
    public async Task Counts_stay_exact_when_connections_hold_and_release_the_same_tags_at_once()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var connection = Connection();
            for (var round = 0; round < 2000; round++)
            {
                connection.Hold(["todo", round % 3], []);
                connection.Release(["todo", round % 3], []);
            }

            connection.Hold(["todos"], []);
        })));

        Assert.Equal((8, 1, 1), (_counts.Holds, _counts.DistinctTags, _counts.Groups));
        Assert.Equal(8, _counts.HoldersOf("""["todos"]"""));
    }

    private ConnectionSubscriptions Connection() => new(maxGroupDepth: 8, _counts);
}
