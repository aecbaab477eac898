namespace QueryTags.SignalR.Tests.Server.Caching;

public class TagCacheTagsTests
{
    [Fact]
    public void An_entry_is_tagged_with_every_prefix_of_each_tag_once_and_with_the_tag_a_reset_evicts_by()
    {
        Assert.Equal(
            ["qt:all", "qt:[\"todo\"]", "qt:[\"todo\",5]", "qt:[\"todo\",5,true]", "qt:[\"todos\"]"],
            TagCacheTags.Of(["todo", 5, true], ["todos"], ["todo", 5]));
    }

    [Fact]
    public void An_invalidation_evicts_by_the_text_of_the_tag_itself()
    {
        Assert.Equal("qt:[\"todo\",5]", TagCacheTags.Evicting(["todo", 5]));
        Assert.Contains(TagCacheTags.Evicting(["todo"]), TagCacheTags.Of(["todo", 5]));
        Assert.DoesNotContain(TagCacheTags.Evicting(["todo", 5]), TagCacheTags.Of(["todo", 6]));
        Assert.DoesNotContain(TagCacheTags.Evicting(["todo", "5"]), TagCacheTags.Of(["todo", 5]));
    }

    [Fact]
    public void A_default_tag_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => TagCacheTags.Of(default(Tag)));
        Assert.Throws<InvalidOperationException>(() => TagCacheTags.Evicting(default));
    }
}
