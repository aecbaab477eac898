namespace QueryTags.SignalR.Tests.Abstractions.Protocol;

public class InvalidationCursorTests
{
    [Theory]
    [InlineData("a1b2c3:0", "a1b2c3", 0L)]
    [InlineData("epoch:42", "epoch", 42L)]
    [InlineData("e:9223372036854775807", "e", long.MaxValue)]
    [InlineData("e:007", "e", 7L)]
    public void Parses_epoch_and_sequence(string text, string epoch, long sequence)
    {
        Assert.True(InvalidationCursor.TryParse(text, out var parsed));
        Assert.Equal(new InvalidationCursor(epoch, sequence), parsed);
        Assert.Equal(parsed, InvalidationCursor.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("epoch")]
    [InlineData(":5")]
    [InlineData("epoch:")]
    [InlineData("epoch:-1")]
    [InlineData("epoch:+1")]
    [InlineData("epoch: 1")]
    [InlineData("epoch:1 ")]
    [InlineData("epoch:1.0")]
    [InlineData("epoch:x")]
    [InlineData("epoch:9223372036854775808")]
    public void Refuses_text_that_is_not_a_cursor(string text)
    {
        Assert.False(InvalidationCursor.TryParse(text, out var cursor));
        Assert.Equal(default, cursor);
        var error = Assert.Throws<FormatException>(() => InvalidationCursor.Parse(text));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_refuses_null()
    {
        Assert.False(InvalidationCursor.TryParse(null, out _));
    }

    [Fact]
    public void Writes_epoch_colon_sequence_and_parses_it_back()
    {
        var cursor = new InvalidationCursor("0a1b2c3d4e5f", 1234567);

        Assert.Equal("0a1b2c3d4e5f:1234567", cursor.ToString());
        Assert.Equal(cursor, InvalidationCursor.Parse(cursor.ToString()));
    }

    [Fact]
    public void Latest_of_the_same_epoch_is_the_higher_sequence()
    {
        var older = new InvalidationCursor("e", 3);
        var newer = new InvalidationCursor("e", 5);

        Assert.Equal(newer, InvalidationCursor.Latest(older, newer));
        Assert.Equal(newer, InvalidationCursor.Latest(newer, older));
        Assert.Equal(newer, InvalidationCursor.Latest(newer, newer));
    }

    [Fact]
    public void Latest_without_a_current_cursor_is_the_candidate()
    {
        var candidate = new InvalidationCursor("e", 1);

        Assert.Equal(candidate, InvalidationCursor.Latest(null, candidate));
    }

    [Fact]
    public void Latest_across_epochs_is_the_candidate()
    {
        // A new epoch means the old log is gone: its sequence numbers compare to nothing.
        var current = new InvalidationCursor("old", 1000);
        var candidate = new InvalidationCursor("new", 1);

        Assert.Equal(candidate, InvalidationCursor.Latest(current, candidate));
    }
}
