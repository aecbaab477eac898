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
    [InlineData(Epoch, 3, 4, "entries after the cursor were forgotten")]
    public void A_cursor_the_log_cannot_answer_gets_a_reset(string epoch, long sequence, long forgottenThrough, string why)
    {
        var replay = CursorAnswer.For(State(sequence: 10, forgottenThrough: forgottenThrough), [["todo"]], new InvalidationCursor(epoch, sequence), null);

        Assert.True(replay.Reset, why);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public void A_cursor_at_the_forgotten_edge_is_still_answered()
    {
        var replay = CursorAnswer.For(State(sequence: 10, forgottenThrough: 4, lastInvalidated: new() { ["[\"todo\"]"] = 6 }), [["todo"]], new InvalidationCursor(Epoch, 4), null);

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("todo")], replay.Missed);
    }

    [Fact]
    public void An_age_starts_after_the_newest_invalidation_older_than_it()
    {
        var state = State(sequence: 10, ageStart: 6, lastInvalidated: new() { ["[\"a\"]"] = 6, ["[\"b\"]"] = 7 });

        var replay = CursorAnswer.For(state, [["a"], ["b"]], null, TimeSpan.FromSeconds(5));

        Assert.False(replay.Reset);
        Assert.Equal([new Tag("b")], replay.Missed);
    }

    [Fact]
    public void An_age_older_than_every_kept_entry_is_answered_only_by_a_log_that_forgot_nothing()
    {
        var lastInvalidated = new Dictionary<string, long> { ["[\"a\"]"] = 1 };

        var complete = CursorAnswer.For(State(sequence: 1, lastInvalidated: lastInvalidated), [["a"]], null, TimeSpan.FromHours(1));
        var forgetful = CursorAnswer.For(State(sequence: 5, forgottenThrough: 2, lastInvalidated: lastInvalidated), [["a"]], null, TimeSpan.FromHours(1));

        Assert.Equal([new Tag("a")], complete.Missed);
        Assert.True(forgetful.Reset);
    }

    [Fact]
    public void Prefixes_of_the_held_tags_are_listed_once_each()
    {
        Assert.Equal(
            ["[\"todo\"]", "[\"todo\",5]", "[\"todo\",6]", "[\"user\"]"],
            CursorAnswer.PrefixesOf([["todo", 5], ["todo", 6], ["todo"], ["user"]]));
    }

    private static InvalidationLogState State(long sequence, long forgottenThrough = 0, long? ageStart = null, Dictionary<string, long>? lastInvalidated = null) =>
        new(new InvalidationCursor(Epoch, sequence), forgottenThrough, ageStart, lastInvalidated ?? []);
}
