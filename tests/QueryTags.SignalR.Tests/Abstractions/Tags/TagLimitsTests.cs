namespace QueryTags.SignalR.Tests.Abstractions.Tags;

public class TagLimitsTests
{
    [Fact]
    public void Defaults_are_8_segments_of_128_characters()
    {
        Assert.Equal(8, TagLimits.Default.MaxSegments);
        Assert.Equal(128, TagLimits.Default.MaxSegmentLength);
    }

    [Fact]
    public void Tag_within_the_limits_passes()
    {
        Tag tag = ["a", "b", "c", "d", "e", "f", "g", new string('x', 128)];

        Assert.Null(TagLimits.Default.Check(tag));
    }

    [Fact]
    public void Too_many_segments_is_refused()
    {
        var limits = new TagLimits { MaxSegments = 2 };

        var rejection = limits.Check(["a", 1, true]);

        Assert.NotNull(rejection);
        Assert.Equal(TagRules.TooManySegments, rejection.Value.Rule);
        Assert.Contains("3 segments, at most 2", rejection.Value.Reason, StringComparison.Ordinal);
        Assert.Null(limits.Check(["a", 1]));
    }

    [Fact]
    public void Too_long_string_segment_is_refused()
    {
        var limits = new TagLimits { MaxSegmentLength = 4 };

        var rejection = limits.Check(["todo", "abcde"]);

        Assert.NotNull(rejection);
        Assert.Equal(TagRules.SegmentTooLong, rejection.Value.Rule);
        Assert.Contains("segment 1 has 5 characters, at most 4", rejection.Value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_counts_UTF16_code_units()
    {
        var limits = new TagLimits { MaxSegmentLength = 3 };

        // One emoji is two code units (JavaScript's "😀".length is 2).
        Assert.Null(limits.Check(["a😀"]));
        Assert.Equal(TagRules.SegmentTooLong, limits.Check(["😀😀"])?.Rule);
    }

    [Fact]
    public void Integer_and_boolean_segments_have_no_length()
    {
        var limits = new TagLimits { MaxSegmentLength = 1 };

        Assert.Null(limits.Check([TagSegment.MaxInteger, true, false]));
    }

    [Fact]
    public void Segment_count_is_checked_before_lengths()
    {
        var limits = new TagLimits { MaxSegments = 1, MaxSegmentLength = 1 };

        Assert.Equal(TagRules.TooManySegments, limits.Check(["long", "long"])?.Rule);
    }
}
