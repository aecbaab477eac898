using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class InMemoryInvalidationLogTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new();

    // The fake clock's start, in microseconds: the log's sequences are its clock.
    private long Clock => _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    [Fact]
    public async Task Null_cursor_gives_neither_missed_nor_reset()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);

        var replay = await log.ReplayAsync([["todo", 5]], null, null, default);

        Assert.False(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(new InvalidationCursor(log.Epoch, Clock), replay.Current);
    }

    [Fact]
    public async Task Sequences_are_the_clock_in_microseconds_made_strictly_increasing()
    {
        var log = CreateLog();
        var start = Clock;

        var first = await log.AppendAsync([["a"]], default);
        var sameInstant = await log.AppendAsync([["b"], ["c"]], default);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var later = await log.AppendAsync([["d"]], default);

        Assert.Equal(new InvalidationCursor(log.Epoch, start), first);
        Assert.Equal(new InvalidationCursor(log.Epoch, start + 1), sameInstant);
        Assert.Equal(new InvalidationCursor(log.Epoch, start + 1_000), later);
        Assert.DoesNotContain(':', log.Epoch);
        Assert.NotEqual(log.Epoch, CreateLog().Epoch);
    }

    [Fact]
    public async Task An_append_after_a_read_goes_past_the_position_the_read_answered()
    {
        var log = CreateLog();
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var position = await Current(log);

        var appended = await log.AppendAsync([["a"]], default);

        Assert.True(appended.Sequence > position.Sequence);
    }

    [Fact]
    public async Task Missed_lists_exactly_the_held_tags_a_later_invalidation_matches()
    {
        var log = CreateLog();
        var start = await Current(log);
        await PrefixMatchingCase.AppendToAsync(log);

        var replay = await log.ReplayAsync(PrefixMatchingCase.Held, start, null, default);

        Assert.False(replay.Reset);
        Assert.Equal(PrefixMatchingCase.Missed, replay.Missed);
    }

    [Fact]
    public async Task Invalidations_before_the_cursor_are_not_missed()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);
        var afterTodo = await log.AppendAsync([["user"]], default);

        Assert.Empty((await log.ReplayAsync([["todo", 5], ["user", 1]], afterTodo, null, default)).Missed);

        await log.AppendAsync([["todo", 5]], default);

        var replay = await log.ReplayAsync([["todo", 5], ["todo", 6], ["user", 1]], afterTodo, null, default);
        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 5)], replay.Missed);
    }

    [Fact]
    public async Task Cursor_at_the_current_position_misses_nothing()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);
        var now = await Current(log);

        var replay = await log.ReplayAsync([["todo", 5]], now, null, default);

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

        var replay = await log.ReplayAsync([["todo", 5]], oldCursor, null, default);

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
        Assert.Equal(log.Epoch, replay.Current.Epoch);
    }

    [Fact]
    public async Task Cursor_from_the_future_gets_a_reset()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo"]], default);

        var now = await Current(log);

        var replay = await log.ReplayAsync([["todo", 5]], now with { Sequence = now.Sequence + 1 }, null, default);

        Assert.True(replay.Reset);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public async Task A_cursor_older_than_the_retention_window_gets_a_reset_even_when_nothing_was_forgotten_after_it()
    {
        var log = CreateLog();
        var start = await Current(log);
        _time.Advance(Retention + TimeSpan.FromSeconds(1));

        // Nothing happened at all; an exact empty answer would tell the client so.
        var old = await log.ReplayAsync([["a"]], start, null, default);

        Assert.True(old.Reset);
        Assert.Empty(old.Missed);
    }

    [Fact]
    public async Task Cursors_inside_the_retention_window_are_answered_exactly_after_older_entries_are_forgotten()
    {
        var log = CreateLog();
        await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromSeconds(30));
        var afterA = await Current(log);
        var afterB = await log.AppendAsync([["b"]], default);
        _time.Advance(TimeSpan.FromSeconds(40));

        // ["a"] is now 70 s old; this append forgets it.
        await log.AppendAsync([["c"]], default);

        var justAfter = await log.ReplayAsync([["a"], ["b"], ["c"]], afterA, null, default);
        Assert.False(justAfter.Reset);
        Assert.Equal([new Tag("b"), new Tag("c")], justAfter.Missed);

        var later = await log.ReplayAsync([["a"], ["b"], ["c"]], afterB, null, default);
        Assert.False(later.Reset);
        Assert.Equal([new Tag("c")], later.Missed);
    }

    [Fact]
    public async Task Retention_window_elapsing_alone_resets_old_cursors()
    {
        var log = CreateLog();
        var start = await Current(log);
        await log.AppendAsync([["a"]], default);
        _time.Advance(Retention - TimeSpan.FromSeconds(1));

        Assert.Equal([new Tag("a")], (await log.ReplayAsync([["a"]], start, null, default)).Missed);

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True((await log.ReplayAsync([["a"]], start, null, default)).Reset);
    }

    [Fact]
    public async Task Entries_inside_the_retention_window_are_kept()
    {
        var log = CreateLog();
        var start = await Current(log);
        await log.AppendAsync([["a"]], default);
        _time.Advance(Retention - TimeSpan.FromSeconds(1));
        await log.AppendAsync([["b"]], default);

        var replay = await log.ReplayAsync([["a"], ["b"]], start, null, default);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("a"), new Tag("b")], replay.Missed);
    }

    [Fact]
    public async Task Forgetting_an_old_entry_keeps_a_later_invalidation_of_the_same_tag()
    {
        var log = CreateLog();
        await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromSeconds(30));
        var cursor = await Current(log);
        _time.Advance(TimeSpan.FromSeconds(20));
        await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromSeconds(20));

        // The first ["a"] is 70 s old: this append forgets it, and must keep the second.
        await log.AppendAsync([["b"]], default);

        var replay = await log.ReplayAsync([["a", 1]], cursor, null, default);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("a", 1)], replay.Missed);
    }

    [Fact]
    public async Task Capacity_overflow_resets_cursors_before_the_forgotten_entries()
    {
        var log = CreateLog(capacity: 2);
        var start = await Current(log);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var afterA = await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await log.AppendAsync([["b"]], default);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False((await log.ReplayAsync([["a"]], start, null, default)).Reset);

        await log.AppendAsync([["c"]], default);

        Assert.True((await log.ReplayAsync([["a"], ["b"], ["c"]], start, null, default)).Reset);
        var exact = await log.ReplayAsync([["a"], ["b"], ["c"]], afterA, null, default);
        Assert.False(exact.Reset);
        Assert.Equal([new Tag("b"), new Tag("c")], exact.Missed);
    }

    [Fact]
    public async Task An_age_reports_the_held_tags_invalidated_within_it_and_not_before()
    {
        var log = CreateLog();
        await log.AppendAsync([["todo", 1]], default);
        _time.Advance(TimeSpan.FromSeconds(10));
        await log.AppendAsync([["todo", 2]], default);
        _time.Advance(TimeSpan.FromSeconds(1));

        var replay = await log.ReplayAsync([["todo", 1], ["todo", 2], ["todo", 3]], null, TimeSpan.FromSeconds(5), default);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 2)], replay.Missed);
        var everything = await log.ReplayAsync([["todo", 1], ["todo", 2]], null, TimeSpan.FromSeconds(30), default);
        Assert.Equal([new Tag("todo", 1), new Tag("todo", 2)], everything.Missed);
    }

    [Fact]
    public async Task An_age_reaching_past_the_retention_window_resets()
    {
        var log = CreateLog();
        await log.AppendAsync([["a"]], default);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([new Tag("a")], (await log.ReplayAsync([["a"]], null, Retention - TimeSpan.FromSeconds(1), default)).Missed);
        Assert.True((await log.ReplayAsync([["a"]], null, Retention + TimeSpan.FromSeconds(1), default)).Reset);
    }

    [Fact]
    public async Task An_age_reaching_past_entries_forgotten_early_resets()
    {
        var log = CreateLog(capacity: 10);
        for (var i = 0; i < 100; i++)
        {
            await log.AppendAsync([["t", i]], default);
            _time.Advance(TimeSpan.FromSeconds(0.1));
        }

        // Entries 90..99 are kept, entry i is (100 - i) / 10 seconds old: 0.35 s reaches back past 97, to 96.
        var replay = await log.ReplayAsync([.. Enumerable.Range(0, 100).Select(i => new Tag("t", i))], null, TimeSpan.FromSeconds(0.35), default);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("t", 97), new Tag("t", 98), new Tag("t", 99)], replay.Missed);
        Assert.True((await log.ReplayAsync([["t", 0]], null, TimeSpan.FromSeconds(1.2), default)).Reset);
    }

    private InMemoryInvalidationLog CreateLog(int capacity = 100) =>
        new(Options.Create(new TagInvalidationOptions { RetentionWindow = Retention, LogCapacity = capacity }), _time);

    private static async Task<InvalidationCursor> Current(InMemoryInvalidationLog log) =>
        (await log.ReplayAsync([], null, null, default)).Current;
}
