namespace QueryTags.SignalR.Tests.Abstractions.Tags;

public class TagSegmentTests
{
    [Fact]
    public void Converts_from_string()
    {
        TagSegment segment = "todo";

        Assert.Equal(TagSegmentKind.String, segment.Kind);
        Assert.Equal("todo", segment.StringValue);
        Assert.Equal("\"todo\"", segment.ToString());
    }

    [Fact]
    public void Converts_from_int_and_long()
    {
        TagSegment fromInt = 5;
        TagSegment fromLong = 5L;

        Assert.Equal(TagSegmentKind.Integer, fromInt.Kind);
        Assert.Equal(5, fromInt.IntegerValue);
        Assert.Equal(fromInt, fromLong);
        Assert.Equal("5", fromLong.ToString());
    }

    [Fact]
    public void Converts_from_bool()
    {
        TagSegment yes = true;
        TagSegment no = false;

        Assert.Equal(TagSegmentKind.Boolean, yes.Kind);
        Assert.True(yes.BooleanValue);
        Assert.False(no.BooleanValue);
        Assert.Equal("true", yes.ToString());
        Assert.Equal("false", no.ToString());
        Assert.NotEqual(yes, no);
    }

    [Fact]
    public void Equality_is_type_sensitive()
    {
        Assert.NotEqual(TagSegment.FromInteger(5), TagSegment.FromString("5"));
        Assert.NotEqual(TagSegment.FromInteger(1), TagSegment.FromBoolean(true));
        Assert.NotEqual(TagSegment.FromInteger(0), TagSegment.FromBoolean(false));
        Assert.NotEqual(TagSegment.FromString(""), TagSegment.FromBoolean(false));
        Assert.True(TagSegment.FromString("a") == TagSegment.FromString("a"));
        Assert.True(TagSegment.FromString("a") != TagSegment.FromString("A"));
        Assert.Equal(TagSegment.FromString("a").GetHashCode(), TagSegment.FromString(new string('a', 1)).GetHashCode());
    }

    [Fact]
    public void Value_of_the_wrong_kind_throws()
    {
        TagSegment segment = 5;

        Assert.Throws<InvalidOperationException>(() => segment.StringValue);
        Assert.Throws<InvalidOperationException>(() => segment.BooleanValue);
        Assert.Throws<InvalidOperationException>(() => ((TagSegment)"x").IntegerValue);
    }

    [Theory]
    [InlineData(TagSegment.MaxInteger)]
    [InlineData(TagSegment.MinInteger)]
    [InlineData(0L)]
    public void FromInteger_accepts_the_exact_JavaScript_range(long value)
    {
        Assert.Equal(value, TagSegment.FromInteger(value).IntegerValue);
    }

    [Theory]
    [InlineData(TagSegment.MaxInteger + 1)]
    [InlineData(TagSegment.MinInteger - 1)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void FromInteger_out_of_range_throws(long value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TagSegment.FromInteger(value));

        Assert.Contains(TagRules.Describe(TagRules.IntegerRange), error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => (TagSegment)value);
    }

    [Fact]
    public void Limits_are_two_to_the_53_minus_one()
    {
        Assert.Equal((1L << 53) - 1, TagSegment.MaxInteger);
        Assert.Equal(-((1L << 53) - 1), TagSegment.MinInteger);
    }

    // Not [InlineData]: attribute strings are stored as UTF-8, which turns an unpaired surrogate into U+FFFD.
    [Fact]
    public void FromString_with_an_unpaired_surrogate_throws()
    {
        string[] values = ["\ud800", "\udc00", "a\ud83d", "\ude00\ud83d", "\ud83d\ude00\ud83d"];

        foreach (var value in values)
        {
            var error = Assert.Throws<ArgumentException>(() => TagSegment.FromString(value));

            Assert.Contains(TagRules.Describe(TagRules.InvalidString), error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => (TagSegment)value);
        }
    }

    [Fact]
    public void FromString_accepts_a_surrogate_pair()
    {
        Assert.Equal("\ud83d\ude00", TagSegment.FromString("😀").StringValue);
    }

    [Fact]
    public void FromString_refuses_null()
    {
        Assert.Throws<ArgumentNullException>(() => TagSegment.FromString(null!));
    }
}
