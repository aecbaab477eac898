using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.Server.Internal;

/// <summary>What the hub does with a subscribe or an unsubscribe, driven without a transport.</summary>
public class TagSubscriptionServiceTests
{
    private readonly TestServices _server = new();
    private readonly RecordingGroupManager _groups = new();

    [Fact]
    public async Task Subscribe_joins_the_group_of_each_prefix_once()
    {
        var connection = _server.Connect();

        var result = await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5), Tag("todo", 6), Tag("todo", 5)], null);

        Assert.Empty(result.Rejected);
        Assert.Equal(["qt:[\"todo\",5]", "qt:[\"todo\",6]", "qt:[\"todo\"]"], _groups.Joined.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Unsubscribe_leaves_only_the_groups_no_other_held_tag_needs()
    {
        var connection = _server.Connect();
        await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5), Tag("todo", 6)], null);

        await _server.Subscriptions.UnsubscribeAsync(connection, _groups, [Tag("todo", 5), Tag("never", "held")]);

        Assert.Equal(["qt:[\"todo\",5]"], _groups.Left);
    }

    [Fact]
    public async Task A_refused_tag_is_reported_and_never_joined()
    {
        var connection = _server.Connect();

        var result = await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("ok"), new object?[] { "bad", null }], null);

        var rejection = Assert.Single(result.Rejected);
        Assert.Equal((1, TagRules.SegmentType), (rejection.Index, rejection.Rule));
        Assert.Equal(["qt:[\"ok\"]"], _groups.Joined);
    }

    [Fact]
    public async Task A_cursor_gets_the_held_tags_invalidated_since_then()
    {
        var connection = _server.Connect();
        var first = await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5)], null);
        await _server.Invalidator.InvalidateTagsAsync([["todo"]]);

        var again = await _server.Subscriptions.SubscribeAsync(_server.Connect(), _groups, [Tag("todo", 5), Tag("user", 1)], first.Cursor.ToString());

        Assert.False(again.Reset);
        Assert.Equal([new Tag("todo", 5)], again.Missed);
    }

    [Fact]
    public async Task A_failed_group_join_keeps_no_tag_held_and_says_so()
    {
        var connection = _server.Connect();
        _groups.FailJoinsWith = new InvalidOperationException("backplane down");

        var error = await Assert.ThrowsAsync<HubException>(() => _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5)], null));

        Assert.Contains("nothing was subscribed", error.Message, StringComparison.Ordinal);
        _groups.FailJoinsWith = null;
        await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5)], null);
        Assert.Equal(2, _groups.Joined.Count);
    }

    [Fact]
    public async Task A_join_that_fails_leaves_every_group_the_call_asked_for_and_holds_nothing()
    {
        var connection = _server.Connect();
        _groups.FailJoinOf = group => group == "qt:[\"todo\",5]";

        await Assert.ThrowsAsync<HubException>(() => _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5)], null));

        await Eventually.TrueAsync(() => _groups.LeftSoFar.Count == 2, "both groups are left");
        Assert.Equal(["qt:[\"todo\",5]", "qt:[\"todo\"]"], _groups.LeftSoFar.Order(StringComparer.Ordinal));
        Assert.True(_server.Connections.TryGet(connection.ConnectionId, out var state));
        Assert.Equal((0, 0, 0), (state.Count, state.GroupCount, state.TextLength));
    }

    [Fact]
    public async Task A_join_that_takes_too_long_fails_the_subscribe_and_is_left_once_it_completes()
    {
        var server = new TestServices(options => options.GroupJoinTimeout = TimeSpan.FromMilliseconds(200));
        var connection = server.Connect();
        var backplane = new TaskCompletionSource();
        _groups.HoldJoinsUntil = backplane.Task;

        var error = await Assert.ThrowsAsync<HubException>(() => server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5)], null));
        Assert.Contains("nothing was subscribed", error.Message, StringComparison.Ordinal);
        Assert.Empty(_groups.LeftSoFar);

        backplane.SetResult();
        await Eventually.TrueAsync(() => _groups.LeftSoFar.Count == 2, "both groups are left");
        Assert.Equal(_groups.Joined.Order(StringComparer.Ordinal), _groups.LeftSoFar.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_late_join_is_not_left_when_a_later_subscribe_holds_its_group()
    {
        var server = new TestServices(options => options.GroupJoinTimeout = TimeSpan.FromMilliseconds(200));
        var connection = server.Connect();
        var backplane = new TaskCompletionSource();
        _groups.HoldJoinsUntil = backplane.Task;
        await Assert.ThrowsAsync<HubException>(() => server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo", 5)], null));

        _groups.HoldJoinsUntil = null;
        Assert.Empty((await server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo")], null)).Rejected);
        backplane.SetResult();

        // Only the group the later subscribe does not need is left.
        await Eventually.TrueAsync(() => _groups.LeftSoFar.Count == 1, "a group is left");

        // The leaves after a failed join run under the connection's gate, all started at once: a later call of the
        // connection waits until they are done, so whatever else would be left has been by the time it returns.
        await server.Subscriptions.UnsubscribeAsync(connection, _groups, []);
        Assert.Equal(["qt:[\"todo\",5]"], _groups.LeftSoFar);
    }

    [Fact]
    public async Task Calls_beyond_the_rate_wait_their_turn_instead_of_failing()
    {
        var time = new FakeTimeProvider();
        var server = new TestServices(options => options.MaxCallsPerSecond = 2, time: time);
        using var throttled = new CounterRecorder(server.Meters, "querytags.calls.throttled");
        var connection = server.Connect();
        await server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("a")], null);
        await server.Subscriptions.UnsubscribeAsync(connection, _groups, [Tag("a")]);

        // The third call of the second takes its token into debt: half a second at 2 calls a second. Only the clock
        // can end its wait, and it stands still until the test moves it.
        var subscribing = server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("b")], null);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(subscribing.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var third = await subscribing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(third.Rejected);
        Assert.Equal(1, throttled.Measurements.Sum(measurement => measurement.Value));
    }

    [Fact]
    public async Task Refused_tags_are_logged_without_exceptions_and_at_most_a_burst_at_once()
    {
        var connection = _server.Connect();

        var result = await _server.Subscriptions.SubscribeAsync(connection, _groups, [.. Enumerable.Range(0, 200).Select(_ => new object?[] { 1.5 })], null);

        Assert.Equal(200, result.Rejected.Count);
        var entries = _server.SubscriptionLogger.Entries.Where(entry => entry.Event.Name == "TagRejected").ToList();
        Assert.InRange(entries.Count, 10, 30);
        Assert.All(entries, entry => Assert.Equal((LogLevel.Information, null), (entry.Level, entry.Exception)));
    }

    [Theory]
    [InlineData("nonsense", "neither 'epoch:sequence' nor 'age:milliseconds'")]
    [InlineData("age:-5", "neither 'epoch:sequence' nor 'age:milliseconds'")]
    public async Task A_malformed_cursor_fails_the_call_and_changes_nothing(string cursor, string named)
    {
        var connection = _server.Connect();

        var error = await Assert.ThrowsAsync<HubException>(() => _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("todo")], cursor));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Empty(_groups.Joined);
    }

    [Fact]
    public async Task Too_many_tags_in_one_call_fails_it_by_rule_and_changes_nothing()
    {
        var server = new TestServices(options => options.MaxTagsPerCall = 2);
        var connection = server.Connect();

        var error = await Assert.ThrowsAsync<HubException>(() => server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("a"), Tag("b"), Tag("c")], null));

        Assert.Contains(TagRules.TooManyTagsPerCall, error.Message, StringComparison.Ordinal);
        Assert.Empty(_groups.Joined);
    }

    [Fact]
    public async Task An_invalid_tag_in_unsubscribe_fails_the_call_and_releases_nothing()
    {
        var connection = _server.Connect();
        await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("a")], null);

        var error = await Assert.ThrowsAsync<HubException>(() => _server.Subscriptions.UnsubscribeAsync(connection, _groups, [Tag("a"), new object?[] { 1.5 }]));

        Assert.Contains(TagRules.SegmentType, error.Message, StringComparison.Ordinal);
        Assert.Empty(_groups.Left);
    }

    public static TheoryData<string> HostileTags =>
    [
        "\"todo\"",
        "{\"todo\": 5}",
        "[]",
        "[\"todo\", 1.5]",
        "[\"todo\", [5]]",
        "[\"todo\", {\"x\": 1}]",
        "[\"todo\", 9007199254740993]",
        "[\"todo\", \"\\ud800\"]",
        $"[\"{new string('x', 5000)}\"]",
        $"[{string.Join(",", Enumerable.Repeat("1", 50))}]",
        "null",
    ];

    [Theory]
    [MemberData(nameof(HostileTags))]
    public async Task An_unsubscribe_reads_its_tags_as_a_subscribe_does_and_its_refusal_keeps_the_connection(string json)
    {
        var connection = _server.Connect();
        await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("held")], null);
        object? hostile = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(json);
        var rejection = Assert.Single((await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("before"), hostile], null)).Rejected);

        var error = await Assert.ThrowsAsync<HubException>(() => _server.Subscriptions.UnsubscribeAsync(connection, _groups, [Tag("held"), hostile]));

        // The same sentence as the subscribe's rejection, and nothing released: the connection holds and works on.
        Assert.Equal($"Unsubscribe: tag 1 {rejection.Tag} breaks rule {rejection.Rule}: {rejection.Reason}; nothing was released.", error.Message);
        Assert.Empty(_groups.Left);
        await _server.Subscriptions.UnsubscribeAsync(connection, _groups, [Tag("held")]);
        Assert.Equal(["qt:[\"held\"]"], _groups.Left);
    }

    [Fact]
    public async Task A_disconnected_connection_is_forgotten()
    {
        var connection = _server.Connect();
        await _server.Subscriptions.SubscribeAsync(connection, _groups, [Tag("a")], null);

        await _server.Subscriptions.DisconnectedAsync(connection);

        Assert.False(_server.Connections.TryGet(connection.ConnectionId, out _));
    }

    // A tag as the JSON protocol hands it to the hub.
    private static object Tag(params object[] segments) => System.Text.Json.JsonSerializer.SerializeToElement(segments);
}
