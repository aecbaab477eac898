using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

/// <summary>The cursor rules every log answers by, on states written by hand.</summary>
public class CursorAnswerTests
{
    private const string Epoch = "e1";

    [Fact]
    public void Without_a_cursor_or_an_age_only_the_position_is_answered()
    {
        var replay = CursorAnswer.For(State(sequence: 7, lastInvalidated: new() { ["[\"todo\"]"] = 7 }), [["todo", 5]], null, null);

        Assert.Equal(new InvalidationCursor(Epoch, 7), replay.Current);
        Assert.False(replay.Reset);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public void A_held_tag_is_missed_when_it_or_a_prefix_was_invalidated_after_the_cursor()
    {
        var state = State(sequence: 9, lastInvalidated: new() { ["[\"todo\"]"] = 8, ["[\"user\",1]"] = 3, ["[\"org\",\"acme\"]"] = 9 });

        var replay = CursorAnswer.For(state, [["todo", 5], ["user", 1, "avatar"], ["org", "acme"], ["org"]], new InvalidationCursor(Epoch, 4), null);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo", 5), new Tag("org", "acme")], replay.Missed);
    }

    [Theory]
    [InlineData("other", 5, 0, "another epoch: the log was lost")]
    [InlineData(Epoch, 11, 0, "a cursor from the future")]
    [InlineData(Epoch, 3, 4, "a cursor older than the log can answer (retention horizon or capacity)")]
    public void A_cursor_the_log_cannot_answer_gets_a_reset(string epoch, long sequence, long answerableFrom, string why)
    {
        var replay = CursorAnswer.For(State(sequence: 10, answerableFrom: answerableFrom), [["todo"]], new InvalidationCursor(epoch, sequence), null);

        Assert.True(replay.Reset, why);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public void A_cursor_at_the_answerable_edge_is_still_answered()
    {
        var replay = CursorAnswer.For(State(sequence: 10, answerableFrom: 4, lastInvalidated: new() { ["[\"todo\"]"] = 6 }), [["todo"]], new InvalidationCursor(Epoch, 4), null);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo")], replay.Missed);
    }

    [Fact]
    public void An_age_is_a_cursor_that_many_microseconds_before_the_position()
    {
        // Sequences are microseconds: 5 s before 10,000,000 is 5,000,000.
        var state = State(sequence: 10_000_000, lastInvalidated: new() { ["[\"a\"]"] = 5_000_000, ["[\"b\"]"] = 5_000_001 });

        var replay = CursorAnswer.For(state, [["a"], ["b"]], null, TimeSpan.FromSeconds(5));

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("b")], replay.Missed);
    }

    [Fact]
    public void An_age_reaching_past_what_the_log_can_answer_resets()
    {
        var state = State(sequence: 10_000_000, answerableFrom: 4_000_000, lastInvalidated: new() { ["[\"a\"]"] = 9_000_000 });

        Assert.False(CursorAnswer.For(state, [["a"]], null, TimeSpan.FromSeconds(6)).Reset);
        Assert.True(CursorAnswer.For(state, [["a"]], null, TimeSpan.FromSeconds(6.5)).Reset);
    }

    private static InvalidationLogState State(long sequence, long answerableFrom = 0, Dictionary<string, long>? lastInvalidated = null) =>
        new(new InvalidationCursor(Epoch, sequence), answerableFrom, lastInvalidated ?? []);
}
