using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

public class TagPrefixesTests
{
    [Fact]
    public void Every_prefix_shortest_first_as_canonical_text()
    {
        Assert.Equal(["[\"todo\"]", "[\"todo\",5]", "[\"todo\",5,\"comments\"]"], [.. TagPrefixes.Of(["todo", 5, "comments"])]);
        Assert.Equal(["[\"a\\\"b\"]", "[\"a\\\"b\",\"日本\"]"], [.. TagPrefixes.Of(["a\"b", "日本"])]);
    }

    [Fact]
    public void Grouped_prefixes_stop_at_the_group_depth()
    {
        Tag tag = ["org", "acme", 7, true];

        Assert.Equal(["[\"org\"]", "[\"org\",\"acme\"]"], [.. TagPrefixes.Grouped(tag, 2)]);
        Assert.Equal(4, TagPrefixes.Grouped(tag, 8).Count);
    }

    [Theory]
    [InlineData(1, """qt:["org"]""")]
    [InlineData(2, """qt:["org","acme"]""")]
    [InlineData(4, """qt:["org","acme",7,true]""")]
    [InlineData(8, """qt:["org","acme",7,true]""")]
    public void The_group_an_invalidation_is_sent_to_is_named_by_the_longest_grouped_prefix(int maxGroupDepth, string expected)
    {
        Assert.Equal(expected, TagPrefixes.Name(TagPrefixes.Grouped(["org", "acme", 7, true], maxGroupDepth).Longest));
    }

    [Fact]
    public void A_name_is_qt_and_the_prefix_and_gives_the_prefix_back()
    {
        Assert.Equal("qt:", TagPrefixes.NamePrefix);
        Assert.Equal("""qt:["todo",5]""", TagPrefixes.Name("""["todo",5]"""));
        Assert.Equal("""["todo",5]""", TagPrefixes.Named("""qt:["todo",5]"""));
    }

    [Fact]
    public void Every_prefix_of_several_tags_is_listed_once()
    {
        Assert.Equal(
            ["[\"todo\"]", "[\"todo\",5]", "[\"todo\",6]", "[\"user\"]"],
            TagPrefixes.Distinct([["todo", 5], ["todo", 6], ["todo"], ["user"]]));
    }

    [Fact]
    public void The_group_an_invalidation_targets_is_one_every_matching_holder_joined()
    {
        // An invalidation of ["todo",5] reaches a holder of ["todo",5,"comments"] through group qt:["todo",5].
        var joined = new List<string>();
        new ConnectionSubscriptions(maxGroupDepth: 8).Hold(["todo", 5, "comments"], joined);

        Assert.Contains(Target(["todo", 5]), joined);
        Assert.Contains(Target(["todo"]), joined);
        Assert.DoesNotContain(Target(["todo", 6]), joined);

        static string Target(Tag tag) => TagPrefixes.Name(TagPrefixes.Grouped(tag, 8).Longest);
    }
}
