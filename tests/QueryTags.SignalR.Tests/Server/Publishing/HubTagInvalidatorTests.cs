using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class HubTagInvalidatorTests
{
    private readonly TestServices _server = new(options => options.MaxGroupDepth = 2);

    [Fact]
    public async Task Each_target_group_gets_one_copy_with_only_the_tags_that_target_it()
    {
        var message = await _server.Invalidator.InvalidateTagsAsync([["todo", 5, "comments"], ["user", 1], ["todo", 5], ["todos"], ["todos"]]);

        Assert.Equal([new Tag("todo", 5, "comments"), new Tag("user", 1), new Tag("todo", 5), new Tag("todos")], message.Tags);
        Assert.False(string.IsNullOrEmpty(message.Id));
        var copies = _server.HubContext.GroupSends.ToDictionary(send => Assert.Single(send.Groups), send => (InvalidationMessage)Assert.Single(send.Arguments)!);
        Assert.All(_server.HubContext.GroupSends, send => Assert.Equal(InvalidationHubMethods.Invalidate, send.Method));
        Assert.Equal(["qt:[\"todo\",5]", "qt:[\"todos\"]", "qt:[\"user\",1]"], copies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([new Tag("todo", 5, "comments"), new Tag("todo", 5)], copies["qt:[\"todo\",5]"].Tags);
        Assert.Equal([new Tag("user", 1)], copies["qt:[\"user\",1]"].Tags);
        Assert.Equal([new Tag("todos")], copies["qt:[\"todos\"]"].Tags);
        Assert.All(copies.Values, copy => Assert.Equal((message.Id, message.Cursor), (copy.Id, copy.Cursor)));
    }

    [Fact]
    public async Task A_caller_chosen_id_is_every_copy_s_id_so_a_change_published_twice_is_applied_once()
    {
        var first = await _server.Invalidator.InvalidateTagsOnceAsync("outbox:42", [["todo", 5], ["user", 1]]);
        var again = await _server.Invalidator.InvalidateTagsOnceAsync("outbox:42", [["todo", 5], ["user", 1]]);

        Assert.Equal(("outbox:42", "outbox:42"), (first.Id, again.Id));
        Assert.NotEqual(first.Cursor, again.Cursor);
        Assert.All(_server.HubContext.GroupSends, send => Assert.Equal("outbox:42", ((InvalidationMessage)Assert.Single(send.Arguments)!).Id));
    }

    [Theory]
    [InlineData("", "1 to 128 characters; this one has 0")]
    [InlineData("a b", "letters, digits and - _ . : only; this one has ' '")]
    [InlineData("row\n1", "this one has '\\u000a'")]
    public async Task A_caller_chosen_id_that_is_not_one_is_refused_and_nothing_is_sent(string id, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _server.Invalidator.InvalidateTagsOnceAsync(id, [["todo"]]));
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => _server.Invalidator.InvalidateTagsOnceAsync(new string('x', 129), [["todo"]]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("this one has 129", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal("id", error.ParamName);
        Assert.Empty(_server.HubContext.GroupSends);
    }

    [Fact]
    public async Task The_source_reaches_clients_only_when_the_app_opts_in()
    {
        var quiet = await _server.Invalidator.InvalidateTagsAsync([["todo"]], "alice@acme.example renamed invoice 17");
        var server = new TestServices(options => options.SendSourceToClients = true);
        await server.Invalidator.InvalidateTagsAsync([["todo"]], "node-1");

        Assert.Equal("alice@acme.example renamed invoice 17", quiet.Source);
        Assert.Null(((InvalidationMessage)Assert.Single(Assert.Single(_server.HubContext.GroupSends).Arguments)!).Source);
        Assert.Equal("node-1", ((InvalidationMessage)Assert.Single(Assert.Single(server.HubContext.GroupSends).Arguments)!).Source);
    }

    [Fact]
    public async Task Logs_before_it_sends()
    {
        var before = await _server.Log.CurrentAsync(default);
        IReadOnlyList<Tag>? loggedAtSend = null;
        _server.HubContext.OnSend = () => loggedAtSend = _server.Log.ReplayAsync([["todo", 5]], before, null, default).AsTask().Result.Missed;

        var message = await _server.Invalidator.InvalidateTagsAsync([["todo"]]);

        Assert.Equal([new Tag("todo", 5)], loggedAtSend);
        Assert.Equal(_server.Log.Epoch, message.Cursor!.Value.Epoch);
        Assert.True(message.Cursor.Value.Sequence > before.Sequence);
    }

    [Fact]
    public async Task Returns_once_logged_and_handed_over_without_waiting_for_the_sends()
    {
        var never = new TaskCompletionSource();
        _server.HubContext.GroupSendResult = () => never.Task;
        var before = await _server.Log.CurrentAsync(default);

        await _server.Invalidator.InvalidateTagsAsync([["todo", 5], ["user", 1]]).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, _server.HubContext.GroupSends.Count);
        Assert.Equal([new Tag("todo", 5), new Tag("user", 1)], (await _server.Log.ReplayAsync([["todo", 5], ["user", 1]], before, null, default)).Missed);
    }

    [Fact]
    public async Task A_send_that_fails_later_is_logged_and_counted_and_the_call_still_succeeds()
    {
        using var failed = new CounterRecorder(_server.Meters, "querytags.deliveries.failed");
        var sending = new TaskCompletionSource();
        _server.HubContext.GroupSendResult = () => sending.Task;

        var message = await _server.Invalidator.InvalidateTagsAsync([["todo", 5]]);
        sending.SetException(new InvalidOperationException("backplane gone"));

        Assert.NotNull(message.Cursor);
        var entry = Assert.Single(_server.InvalidatorLogger.Entries, entry => entry.Event.Name == "DeliveryFailed");
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("backplane gone", entry.Exception?.Message);
        Assert.Equal(1, failed.Measurements.Sum(measurement => measurement.Value));
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
        var before = await server.Log.CurrentAsync(default);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => server.Invalidator.InvalidateTagsAsync([["ok"], ["a", "b", "c"]]));

        Assert.Contains("[\"a\",\"b\",\"c\"]", error.Message, StringComparison.Ordinal);
        Assert.Contains(TagRules.TooManySegments, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", error.Message, StringComparison.Ordinal);
        Assert.Empty((await server.Log.ReplayAsync([["ok"], ["a"]], before, null, default)).Missed);
        Assert.Empty(server.HubContext.GroupSends);
    }

    [Fact]
    public async Task No_tags_or_an_empty_tag_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _server.Invalidator.InvalidateTagsAsync([]));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _server.Invalidator.InvalidateTagsAsync([["a"], default]));

        Assert.StartsWith("Tag 1 [] breaks rule empty: a tag needs at least one segment. Nothing was sent.", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.HubContext.GroupSends);
    }
}
