using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Internal;

public class InMemoryInvalidationLogTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(1);

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task Null_cursor_gives_neither_missed_nor_reset()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);

        var replay = await log.ReplayAsync([["todo", 5]], null, default);

        Assert.False(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(new InvalidationCursor(log.Epoch, 1), replay.Current);
    }

    [Fact]
    public async Task Append_returns_increasing_cursors_of_the_log_epoch()
    {
        var log = CreateLog();

        var first = await log.AppendAsync([["a"]], default);
        var second = await log.AppendAsync([["b"], ["c"]], default);

        Assert.Equal(new InvalidationCursor(log.Epoch, 1), first);
        Assert.Equal(new InvalidationCursor(log.Epoch, 2), second);
        Assert.DoesNotContain(':', log.Epoch);
        Assert.NotEqual(log.Epoch, CreateLog().Epoch);
    }

    [Fact]
    public async Task Missed_lists_exactly_the_held_tags_a_later_invalidation_matches()
    {
        var log = CreateLog();
        var start = await Current(log);
        await log.AppendAsync([["todo"], ["user", 1]], default);
        await log.AppendAsync([["org", "acme", "members"]], default);

        var replay = await log.ReplayAsync(
            [["todo", 5], ["todo", 5, "comments"], ["todo"], ["todos"], ["user", 1], ["user"], ["user", 1, "avatar"], ["user", "1"], ["org", "acme"], ["org", "acme", "members", 3]],
            start,
            default);

        Assert.False(replay.Reset);
        Assert.Equal(
            [new Tag("todo", 5), new Tag("todo", 5, "comments"), new Tag("todo"), new Tag("user", 1), new Tag("user", 1, "avatar"), new Tag("org", "acme", "members", 3)],
            replay.Missed);
    }

    [Fact]
    public async Task Invalidations_before_the_cursor_are_not_missed()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);
        var afterTodo = await log.AppendAsync([["user"]], default);

        Assert.Empty((await log.ReplayAsync([["todo", 5], ["user", 1]], afterTodo, default)).Missed);

        await log.AppendAsync([["todo", 5]], default);

        var replay = await log.ReplayAsync([["todo", 5], ["todo", 6], ["user", 1]], afterTodo, default);
        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 5)], replay.Missed);
    }

    [Fact]
    public async Task Cursor_at_the_current_position_misses_nothing()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);
        var now = await Current(log);

        var replay = await log.ReplayAsync([["todo", 5]], now, default);

        Assert.False(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(now, replay.Current);
    }

    [Fact]
    public async Task Cursor_of_another_epoch_gets_a_reset()
    {
        var previous = CreateLog();
        await previous.AppendAsync([["todo"]], default);
        var oldCursor = await Current(previous);
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);

        var replay = await log.ReplayAsync([["todo", 5]], oldCursor, default);

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(new InvalidationCursor(log.Epoch, 1), replay.Current);
    }

    [Fact]
    public async Task Cursor_from_the_future_gets_a_reset()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);

        var replay = await log.ReplayAsync([["todo", 5]], new InvalidationCursor(log.Epoch, 2), default);

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public async Task Cursor_older_than_the_retention_window_gets_a_reset_once_a_newer_append_prunes()
    {
        var log = CreateLog();
        var start = await Current(log);
        var afterA = await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromSeconds(30));
        var afterB = await log.AppendAsync([["b"]], default);
        _time.Advance(TimeSpan.FromSeconds(40));

        // ["a"] is now 70 s old; this append forgets it.
        await log.AppendAsync([["c"]], default);

        var old = await log.ReplayAsync([["a"], ["b"], ["c"]], start, default);
        Assert.True(old.Reset);
        Assert.Empty(old.Missed);

        // Cursors after the forgotten entry are still answered exactly.
        var justAfter = await log.ReplayAsync([["a"], ["b"], ["c"]], afterA, default);
        Assert.False(justAfter.Reset);
        Assert.Equal([new Tag("b"), new Tag("c")], justAfter.Missed);

        var later = await log.ReplayAsync([["a"], ["b"], ["c"]], afterB, default);
        Assert.False(later.Reset);
        Assert.Equal([new Tag("c")], later.Missed);
    }

    [Fact]
    public async Task Retention_window_elapsing_alone_resets_old_cursors()
    {
        var log = CreateLog();
        var start = await Current(log);
        var afterA = await log.AppendAsync([["a"]], default);

        Assert.Equal([new Tag("a")], (await log.ReplayAsync([["a"]], start, default)).Missed);

        _time.Advance(Retention + TimeSpan.FromSeconds(1));

        Assert.True((await log.ReplayAsync([["a"]], start, default)).Reset);
        var current = await log.ReplayAsync([["a"]], afterA, default);
        Assert.False(current.Reset);
        Assert.Empty(current.Missed);
    }

    [Fact]
    public async Task Entries_inside_the_retention_window_are_kept()
    {
        var log = CreateLog();
        var start = await Current(log);
        await log.AppendAsync([["a"]], default);
        _time.Advance(Retention - TimeSpan.FromSeconds(1));
        await log.AppendAsync([["b"]], default);

        var replay = await log.ReplayAsync([["a"], ["b"]], start, default);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("a"), new Tag("b")], replay.Missed);
    }

    [Fact]
    public async Task Forgetting_an_old_entry_keeps_a_later_invalidation_of_the_same_tag()
    {
        var log = CreateLog();
        var afterFirstA = await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromSeconds(50));
        await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromSeconds(20));
        await log.AppendAsync([["b"]], default);

        var replay = await log.ReplayAsync([["a", 1]], afterFirstA, default);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("a", 1)], replay.Missed);
    }

    [Fact]
    public async Task Capacity_overflow_resets_cursors_before_the_forgotten_entries()
    {
        var log = CreateLog(capacity: 2);
        var start = await Current(log);
        var afterA = await log.AppendAsync([["a"]], default);
        await log.AppendAsync([["b"]], default);

        Assert.False((await log.ReplayAsync([["a"]], start, default)).Reset);

        await log.AppendAsync([["c"]], default);

        Assert.True((await log.ReplayAsync([["a"], ["b"], ["c"]], start, default)).Reset);
        var exact = await log.ReplayAsync([["a"], ["b"], ["c"]], afterA, default);
        Assert.False(exact.Reset);
        Assert.Equal([new Tag("b"), new Tag("c")], exact.Missed);
    }

    private InMemoryInvalidationLog CreateLog(int capacity = 100) =>
        new(Options.Create(new TagInvalidationOptions { RetentionWindow = Retention, LogCapacity = capacity }), _time);

    private static async Task<InvalidationCursor> Current(InMemoryInvalidationLog log) =>
        (await log.ReplayAsync([], null, default)).Current;
}
