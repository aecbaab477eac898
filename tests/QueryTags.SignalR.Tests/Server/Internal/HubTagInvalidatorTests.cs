namespace QueryTags.SignalR.Tests.Server.Internal;

public class HubTagInvalidatorTests
{
    private readonly TestServices _server = new(options => options.MaxGroupDepth = 2);

    [Fact]
    public async Task Sends_once_to_the_distinct_target_groups_cut_to_the_group_depth()
    {
        var message = await _server.Invalidator.InvalidateTagsAsync([["todo", 5, "comments"], ["todo", 5], ["todos"], ["todos"]], "node-1");

        var send = Assert.Single(_server.HubContext.GroupSends);
        Assert.Equal(["qt:[\"todo\",5]", "qt:[\"todos\"]"], send.Groups);
        Assert.Equal(InvalidationHubMethods.Invalidate, send.Method);
        Assert.Same(message, Assert.Single(send.Arguments));
        Assert.Equal([new Tag("todo", 5, "comments"), new Tag("todo", 5), new Tag("todos")], message.Tags);
        Assert.Equal("node-1", message.Origin);
        Assert.False(string.IsNullOrEmpty(message.Id));
    }

    [Fact]
    public async Task Logs_before_it_sends()
    {
        InvalidationCursor? loggedAtSend = null;
        _server.HubContext.OnSend = () => loggedAtSend = _server.Log.CurrentAsync(default).AsTask().Result;

        var message = await _server.Invalidator.InvalidateTagsAsync([["todo"]]);

        Assert.Equal(message.Cursor, loggedAtSend);
        Assert.Equal(new InvalidationCursor(_server.Log.Epoch, 1), message.Cursor);
    }

    [Fact]
    public async Task Each_call_gets_its_own_id_and_a_later_cursor()
    {
        var first = await _server.Invalidator.InvalidateTagsAsync([["a"]]);
        var second = await _server.Invalidator.InvalidateTagsAsync([["a"]]);

        Assert.NotEqual(first.Id, second.Id);
        Assert.True(second.Cursor!.Value.Sequence > first.Cursor!.Value.Sequence);
    }

    [Fact]
    public async Task A_tag_that_breaks_a_limit_is_refused_by_name_and_nothing_is_logged_or_sent()
    {
        var server = new TestServices(options => options.MaxSegmentsPerTag = 2);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => server.Invalidator.InvalidateTagsAsync([["ok"], ["a", "b", "c"]]));

        Assert.Contains("[\"a\",\"b\",\"c\"]", error.Message, StringComparison.Ordinal);
        Assert.Contains(TagRules.TooManySegments, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await server.Log.CurrentAsync(default)).Sequence);
        Assert.Empty(server.HubContext.GroupSends);
    }

    [Fact]
    public async Task No_tags_or_an_empty_tag_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _server.Invalidator.InvalidateTagsAsync([]));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _server.Invalidator.InvalidateTagsAsync([["a"], default]));

        Assert.Contains(TagRules.Empty, error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.HubContext.GroupSends);
    }
}
