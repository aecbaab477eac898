using QueryTags.SignalR.StackExchangeRedis.Internal;

namespace QueryTags.SignalR.Tests.StackExchangeRedis.Internal;

/// <summary>
/// The Redis log answers cursors as the in-memory log does (<c>InMemoryInvalidationLogTests</c>). One server for the
/// class; each test has its own key prefix, so its log starts empty.
/// </summary>
public sealed class RedisInvalidationLogTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Append_returns_increasing_cursors_of_one_epoch_on_the_redis_clock()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        var before = await RedisTesting.ClockAsync(redis.Server);

        var first = await log.AppendAsync([["a"]], default).Within();
        var second = await log.AppendAsync([["b"], ["c"]], default).Within();
        var after = await RedisTesting.ClockAsync(redis.Server);

        // Sequences are Redis's clock in microseconds (strictly increasing), not a count of invalidations.
        Assert.InRange(first.Sequence, before, after);
        Assert.InRange(second.Sequence, first.Sequence + 1, after + 1);
        Assert.Equal(first.Epoch, second.Epoch);
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

        Assert.Equal(fromA.Epoch, fromB.Epoch);
        Assert.True(fromB.Sequence > fromA.Sequence);
        var replay = await nodeB.ReplayAsync([["todo", 1], ["todo", 2], ["todo", 3]], start, null, default).Within();
        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 1), new Tag("todo", 2)], replay.Missed);
    }

    [Fact]
    public async Task CurrentAsync_returns_the_clock_and_later_appends_go_past_it()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        var before = await RedisTesting.ClockAsync(redis.Server);

        var empty = await log.CurrentAsync(default).Within();
        var appended = await log.AppendAsync([["a"]], default).Within();
        var after = await log.CurrentAsync(default).Within();

        Assert.InRange(empty.Sequence, before, await RedisTesting.ClockAsync(redis.Server));
        Assert.True(appended.Sequence > empty.Sequence);
        Assert.True(after.Sequence >= appended.Sequence);
        Assert.Equal(empty.Epoch, after.Epoch);
    }

    [Fact]
    public async Task Null_cursor_gives_neither_missed_nor_reset()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        var appended = await log.AppendAsync([["todo"]], default).Within();

        var replay = await log.ReplayAsync([["todo", 5]], null, null, default).Within();

        Assert.False(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(appended.Epoch, replay.Current.Epoch);
        Assert.True(replay.Current.Sequence >= appended.Sequence);
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
        Assert.Equal(current.Epoch, replay.Current.Epoch);
    }

    [Fact]
    public async Task Cursor_from_the_future_gets_a_reset()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server);
        await log.AppendAsync([["todo"]], default).Within();
        var current = await log.CurrentAsync(default).Within();

        // A minute ahead of the clock: no position the log issued can be that late.
        var replay = await log.ReplayAsync([["todo", 5]], current with { Sequence = current.Sequence + 60_000_000 }, null, default).Within();

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
    public async Task A_cursor_older_than_the_retention_window_gets_a_reset_even_when_nothing_was_forgotten_after_it()
    {
        var retention = TimeSpan.FromMinutes(1);
        await using var log = await RedisTesting.StartLogAsync(redis.Server, retention: retention);
        var now = await log.CurrentAsync(default).Within();
        var window = (long)(retention.Ticks / 10);

        // Nothing was ever invalidated: an exact empty answer to an old cursor would tell the client so.
        var old = await log.ReplayAsync([["a"]], now with { Sequence = now.Sequence - window - 1_000_000 }, null, default).Within();
        var inside = await log.ReplayAsync([["a"]], now with { Sequence = now.Sequence - window + 10_000_000 }, null, default).Within();

        Assert.True(old.Reset);
        Assert.False(inside.Reset);
        Assert.Empty(inside.Missed);
    }

    [Fact]
    public async Task Entries_past_the_retention_window_are_forgotten_by_the_next_append()
    {
        var prefix = RedisTesting.UniqueKeyPrefix();
        await using var log = await RedisTesting.StartLogAsync(redis.Server, retention: TimeSpan.FromMinutes(1), configure: options => options.KeyPrefix = prefix);
        await log.AppendAsync([["a"]], default).Within();
        await log.AppendAsync([["b"]], default).Within();
        Assert.Equal(2, await RedisTesting.CountAsync(redis.Server, prefix + "tags"));

        // Entries age only with time: two minutes pass for them, none for the test.
        await RedisTesting.BackdateAsync(redis.Server, prefix, TimeSpan.FromMinutes(2));
        await log.AppendAsync([["c"]], default).Within();

        Assert.Equal(1, await RedisTesting.CountAsync(redis.Server, prefix + "tags"));
        Assert.Equal(1, await RedisTesting.CountAsync(redis.Server, prefix + "entries"));
    }

    [Fact]
    public async Task An_age_reports_the_held_tags_invalidated_within_it_and_not_before()
    {
        var prefix = RedisTesting.UniqueKeyPrefix();
        await using var log = await RedisTesting.StartLogAsync(redis.Server, configure: options => options.KeyPrefix = prefix);
        await log.AppendAsync([["todo", 1]], default).Within();
        await RedisTesting.BackdateAsync(redis.Server, prefix, TimeSpan.FromSeconds(40));
        await log.AppendAsync([["todo", 2]], default).Within();

        // An age of 20 s holds the second invalidation and never the first, 40 s older, however long the calls take
        // (up to 20 s, where the test's other bounds fail first).
        var replay = await log.ReplayAsync([["todo", 1], ["todo", 2], ["todo", 3]], null, TimeSpan.FromSeconds(20), default).Within();

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 2)], replay.Missed);
        var everything = await log.ReplayAsync([["todo", 1], ["todo", 2]], null, TimeSpan.FromMinutes(1), default).Within();
        Assert.False(everything.Reset);
        Assert.Equal([new Tag("todo", 1), new Tag("todo", 2)], everything.Missed);
    }

    [Fact]
    public async Task An_age_reaching_past_entries_forgotten_early_resets()
    {
        await using var log = await RedisTesting.StartLogAsync(redis.Server, capacity: 1);
        await log.AppendAsync([["old"]], default).Within();
        await log.AppendAsync([["new"]], default).Within();

        // "old" was forgotten early, inside the window: it may have been inside the age.
        var replay = await log.ReplayAsync([["old"], ["new"]], null, TimeSpan.FromMinutes(1), default).Within();

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
    }
}
