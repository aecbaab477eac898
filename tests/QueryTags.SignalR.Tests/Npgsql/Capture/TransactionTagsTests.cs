using QueryTags.SignalR.Npgsql.Internal;

namespace QueryTags.SignalR.Tests.Npgsql.Capture;

public sealed class TransactionTagsTests
{
    [Fact]
    public void Tags_within_the_bound_are_kept_each_once()
    {
        var tags = new TransactionTags(maxTags: 4);

        tags.Add(["todos"]);
        tags.Add(["todo", 1]);
        tags.Add(["todo", 1]);
        tags.Add(["list", 2]);

        Assert.False(tags.Collapsed);
        Assert.Equal(["[\"list\",2]", "[\"todo\",1]", "[\"todos\"]"], tags.Tags.Select(tag => tag.Canonical).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Past_the_bound_the_longest_tags_are_cut_first_and_later_tags_are_cut_the_same_way()
    {
        var tags = new TransactionTags(maxTags: 3);
        tags.Add(["todos"]);
        tags.Add(["user", "ann", "todo", 1]);
        tags.Add(["user", "ann", "todo", 2]);
        tags.Add(["user", "bob", "todo", 3]);

        tags.Add(["user", "bob", "todo", 4]);

        Assert.True(tags.Collapsed);
        Assert.Equal(["[\"todos\"]", "[\"user\",\"ann\",\"todo\"]", "[\"user\",\"bob\",\"todo\"]"], tags.Tags.Select(tag => tag.Canonical).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Tags_of_one_segment_past_the_bound_stay_as_they_are()
    {
        var tags = new TransactionTags(maxTags: 2);

        foreach (var name in new[] { "a", "b", "c" })
        {
            tags.Add([name]);
        }

        Assert.Equal(3, tags.Count);
    }
}
