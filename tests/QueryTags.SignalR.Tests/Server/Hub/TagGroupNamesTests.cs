using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class TagGroupNamesTests
{
    [Fact]
    public void Group_name_is_qt_and_the_canonical_form_of_the_prefix()
    {
        Tag tag = ["todo", 5, "comments"];

        Assert.Equal("qt:", TagGroupNames.Prefix);
        Assert.Equal("""qt:["todo"]""", TagGroupNames.For(tag, 1));
        Assert.Equal("""qt:["todo",5]""", TagGroupNames.For(tag, 2));
        Assert.Equal("""qt:["todo",5,"comments"]""", TagGroupNames.For(tag, 3));
    }

    [Fact]
    public void Group_name_uses_escaped_canonical_text()
    {
        Tag tag = ["a\"b", "日本"];

        Assert.Equal("""qt:["a\"b","日本"]""", TagGroupNames.For(tag, 2));
    }

    [Theory]
    [InlineData(1, """qt:["org"]""")]
    [InlineData(2, """qt:["org","acme"]""")]
    [InlineData(3, """qt:["org","acme",7]""")]
    [InlineData(4, """qt:["org","acme",7,true]""")]
    [InlineData(8, """qt:["org","acme",7,true]""")]
    public void Target_is_the_tag_cut_to_the_group_depth(int maxGroupDepth, string expected)
    {
        Tag tag = ["org", "acme", 7, true];

        Assert.Equal(expected, TagGroupNames.Target(tag, maxGroupDepth));
    }

    [Fact]
    public void Target_of_a_held_tag_is_a_group_its_holder_joined()
    {
        // An invalidation of ["todo",5] reaches a holder of ["todo",5,"comments"] through group qt:["todo",5].
        var joined = new List<string>();
        new ConnectionSubscriptions(maxGroupDepth: 8).Hold(["todo", 5, "comments"], joined);

        Assert.Contains(TagGroupNames.Target(["todo", 5], 8), joined);
        Assert.Contains(TagGroupNames.Target(["todo"], 8), joined);
        Assert.DoesNotContain(TagGroupNames.Target(["todo", 6], 8), joined);
    }
}
