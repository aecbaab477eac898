using System.Diagnostics;
using QueryTags.SignalR.StackExchangeRedis.Internal;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.Internal;

/// <summary>
/// The Redis log answers cursors as the in-memory log does (<c>InMemoryInvalidationLogTests</c>). One server for the
/// class; each test has its own key prefix, so its log starts empty.
/// </summary>
public sealed class RedisInvalidationLogTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Append_returns_increasing_cursors_of_one_epoch()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);

        var first = await log.AppendAsync([["a"]], default).Within();
        var second = await log.AppendAsync([["b"], ["c"]], default).Within();

        Assert.Equal(1, first.Sequence);
        Assert.Equal(new InvalidationCursor(first.Epoch, 2), second);
        Assert.Matches("^[0-9a-f]{12}$", first.Epoch);
        await using var other = await RedisTesting.StartLogAsync(redis.Server);
        Assert.NotEqual(first.Epoch, (await other.AppendAsync([["a"]], default).Within()).Epoch);
    }

    [Fact]
    public async Task Logs_on_one_key_prefix_share_one_sequence_and_epoch()
    {
        var prefix = RedisTesting.UniqueKeyPrefix();
        await using var nodeA = await RedisTesting.StartLogAsync(redis.Server, configure: options => options.KeyPrefix = prefix);
        await using var nodeB = await RedisTesting.StartLogAsync(redis.Server, configure: options => options.KeyPrefix = prefix);
        var start = await nodeA.CurrentAsync(default).Within();

        var fromA = await nodeA.AppendAsync([["todo", 1]], default).Within();
        var fromB = await nodeB.AppendAsync([["todo", 2]], default).Within();

        Assert.Equal(new InvalidationCursor(fromA.Epoch, fromA.Sequence + 1), fromB);
        var replay = await nodeB.ReplayAsync([["todo", 1], ["todo", 2], ["todo", 3]], start, null, default).Within();
        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 1), new Tag("todo", 2)], replay.Missed);
    }

    [Fact]
    public async Task CurrentAsync_returns_the_current_cursor()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);

        var empty = await log.CurrentAsync(default).Within();
        await log.AppendAsync([["a"]], default).Within();
        var last = await log.AppendAsync([["b"]], default).Within();

        Assert.Equal(new InvalidationCursor(empty.Epoch, 0), empty);
        Assert.Equal(new InvalidationCursor(empty.Epoch, 2), last);
        Assert.Equal(last, await log.CurrentAsync(default).Within());
    }

    [Fact]
    public async Task Null_cursor_gives_neither_missed_nor_reset()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        var appended = await log.AppendAsync([["todo"]], default).Within();

        var replay = await log.ReplayAsync([["todo", 5]], null, null, default).Within();

        Assert.False(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(appended, replay.Current);
    }

    [Fact]
    public async Task Missed_lists_exactly_the_held_tags_a_later_invalidation_matches()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        var start = await log.CurrentAsync(default).Within();
        await PrefixMatchingCase.AppendToAsync(log).Within();

        var replay = await log.ReplayAsync(PrefixMatchingCase.Held, start, null, default).Within();

        Assert.False(replay.Reset);
        Assert.Equal(PrefixMatchingCase.Missed, replay.Missed);
    }

    [Fact]
    public async Task Invalidations_before_the_cursor_are_not_missed()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        await log.AppendAsync([["todo"]], default).Within();
        var afterUser = await log.AppendAsync([["user"]], default).Within();

        var atCursor = await log.ReplayAsync([["todo", 5], ["user", 1]], afterUser, null, default).Within();
        Assert.False(atCursor.Reset);
        Assert.Empty(atCursor.Missed);
        Assert.Equal(afterUser, atCursor.Current);

        await log.AppendAsync([["todo", 5]], default).Within();

        var replay = await log.ReplayAsync([["todo", 5], ["todo", 6], ["user", 1]], afterUser, null, default).Within();
        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 5)], replay.Missed);
    }

    [Fact]
    public async Task Cursor_of_another_epoch_gets_a_reset()
    {
        await using var previous = await RedisTesting.StartLogAsync(redis.Server);
        var oldCursor = await previous.AppendAsync([["todo"]], default).Within();
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        var current = await log.AppendAsync([["todo"]], default).Within();

        var replay = await log.ReplayAsync([["todo", 5]], oldCursor, null, default).Within();

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(current, replay.Current);
    }

    [Fact]
    public async Task Cursor_from_the_future_gets_a_reset()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        var current = await log.AppendAsync([["todo"]], default).Within();

        var replay = await log.ReplayAsync([["todo", 5]], current with { Sequence = current.Sequence + 1 }, null, default).Within();

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public async Task Capacity_overflow_forgets_the_oldest_entries_and_resets_cursors_before_them()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server, capacity: 2);
        var start = await log.CurrentAsync(default).Within();
        var afterA = await log.AppendAsync([["a"]], default).Within();
        await log.AppendAsync([["b"]], default).Within();

        Assert.False((await log.ReplayAsync([["a"]], start, null, default).Within()).Reset);

        await log.AppendAsync([["c"]], default).Within();

        var old = await log.ReplayAsync([["a"], ["b"], ["c"]], start, null, default).Within();
        Assert.True(old.Reset);
        Assert.Empty(old.Missed);
        var exact = await log.ReplayAsync([["a"], ["b"], ["c"]], afterA, null, default).Within();
        Assert.False(exact.Reset);
        Assert.Equal([new Tag("b"), new Tag("c")], exact.Missed);
    }

    [Fact]
    public async Task Forgetting_an_old_entry_keeps_a_later_invalidation_of_the_same_tag()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server, capacity: 2);
        var afterFirstA = await log.AppendAsync([["a"]], default).Within();
        await log.AppendAsync([["a"]], default).Within();
        await log.AppendAsync([["b"]], default).Within();

        var replay = await log.ReplayAsync([["a", 1]], afterFirstA, null, default).Within();

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("a", 1)], replay.Missed);
    }

    [Fact]
    public async Task Entries_past_the_retention_window_are_forgotten_by_the_next_append()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server, retention: TimeSpan.FromMilliseconds(300));
        var start = await log.CurrentAsync(default).Within();
        var afterA = await log.AppendAsync([["a"]], default).Within();
        await Task.Delay(TimeSpan.FromMilliseconds(400));

        await log.AppendAsync([["b"]], default).Within();

        Assert.True((await log.ReplayAsync([["a"], ["b"]], start, null, default).Within()).Reset);
        var exact = await log.ReplayAsync([["a"], ["b"]], afterA, null, default).Within();
        Assert.False(exact.Reset);
        Assert.Equal([new Tag("b")], exact.Missed);
    }

    [Fact]
    public async Task An_age_reports_the_held_tags_invalidated_within_it_and_not_before()
    {
        var gap = TimeSpan.FromMilliseconds(800);
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        await log.AppendAsync([["todo", 1]], default).Within();
        await Task.Delay(gap);
        var sinceSecond = Stopwatch.StartNew();
        await log.AppendAsync([["todo", 2]], default).Within();

        // An age that reaches half the gap behind the second invalidation: it holds the second, never the first,
        // however long the calls take, unless the replay itself takes longer than half the gap.
        var age = sinceSecond.Elapsed + (gap / 2);
        var replay = await log.ReplayAsync([["todo", 1], ["todo", 2], ["todo", 3]], null, age, default).Within();

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 2)], replay.Missed);
        var everything = await log.ReplayAsync([["todo", 1], ["todo", 2]], null, TimeSpan.FromMinutes(1), default).Within();
        Assert.False(everything.Reset);
        Assert.Equal([new Tag("todo", 1), new Tag("todo", 2)], everything.Missed);
    }

    [Fact]
    public async Task An_age_reaching_past_forgotten_entries_resets()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server, capacity: 1);
        await log.AppendAsync([["old"]], default).Within();
        await log.AppendAsync([["new"]], default).Within();

        // "old" was forgotten and no kept entry is a minute old: the forgotten one may have been inside the age.
        var replay = await log.ReplayAsync([["old"], ["new"]], null, TimeSpan.FromMinutes(1), default).Within();

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
    }
}
