using System.Text.Json;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

/// <summary>The object-graph side of <see cref="TagReader"/> (MessagePack hub arguments); the vectors cover JSON.</summary>
public class TagReaderTests
{
    public static TheoryData<object> EveryIntegerType =>
        [(sbyte)-5, (byte)5, (short)-5, (ushort)5, -5, 5u, -5L, 5UL, 5_000_000_000UL, (ulong)TagSegment.MaxInteger, TagSegment.MinInteger];

    [Theory]
    [MemberData(nameof(EveryIntegerType))]
    public void Reads_every_integer_type_MessagePack_produces(object integer)
    {
        // MessagePack's primitive reader picks the type from the wire code: a positive int64 above uint32 arrives as ulong.
        var result = TagReader.Read(new object?[] { "todo", integer });

        Assert.Null(result.Rule);
        Assert.Equal(Convert.ToInt64(integer, System.Globalization.CultureInfo.InvariantCulture), result.Tag!.Value[1].IntegerValue);
    }

    [Theory]
    [InlineData(9_007_199_254_740_992UL)]
    [InlineData(ulong.MaxValue)]
    public void Refuses_ulong_beyond_the_range(ulong integer)
    {
        Assert.Equal(TagRules.IntegerRange, TagReader.Read(new object?[] { integer }).Rule);
    }

    [Theory]
    [InlineData(9_007_199_254_740_992L)]
    [InlineData(-9_007_199_254_740_992L)]
    [InlineData(long.MinValue)]
    public void Refuses_long_beyond_the_range(long integer)
    {
        Assert.Equal(TagRules.IntegerRange, TagReader.Read(new object?[] { integer }).Rule);
    }

    [Fact]
    public void Refuses_other_values_by_rule()
    {
        Assert.Equal(TagRules.NotAnArray, TagReader.Read((object?)null).Rule);
        Assert.Equal(TagRules.NotAnArray, TagReader.Read("todos").Rule);
        Assert.Equal(TagRules.NotAnArray, TagReader.Read(new Dictionary<object, object> { ["0"] = "todo" }).Rule);
        Assert.Equal(TagRules.Empty, TagReader.Read(Array.Empty<object?>()).Rule);
        Assert.Equal(TagRules.SegmentType, TagReader.Read(new object?[] { 1.0 }).Rule);
        Assert.Equal(TagRules.SegmentType, TagReader.Read(new object?[] { 1.5f }).Rule);
        Assert.Equal(TagRules.SegmentType, TagReader.Read(new object?[] { null }).Rule);
        Assert.Equal(TagRules.SegmentType, TagReader.Read(new object?[] { new object?[] { 1 } }).Rule);
        Assert.Equal(TagRules.SegmentType, TagReader.Read(new object?[] { new byte[] { 1 } }).Rule);
        Assert.Equal(TagRules.InvalidString, TagReader.Read(new object?[] { "ok", "\ud800" }).Rule);
    }

    [Fact]
    public void Applies_the_given_limits()
    {
        var limits = new TagLimits { MaxSegments = 2, MaxSegmentLength = 3 };

        Assert.Equal(TagRules.TooManySegments, TagReader.Read(new object?[] { "a", "b", "c" }, limits).Rule);
        Assert.Equal(TagRules.SegmentTooLong, TagReader.Read(new object?[] { "abcd" }, limits).Rule);
        Assert.NotNull(TagReader.Read(new object?[] { "abc", 1 }, limits).Tag);
    }

    [Fact]
    public void Uses_the_default_limits_when_none_are_given()
    {
        Assert.Equal(TagRules.SegmentTooLong, TagReader.Read(new object?[] { new string('x', 129) }).Rule);
        using var document = JsonDocument.Parse("""["a","b","c","d","e","f","g","h","i"]""");
        Assert.Equal(TagRules.TooManySegments, TagReader.Read(document.RootElement).Rule);
    }

    [Fact]
    public void Reads_a_json_element_passed_as_object()
    {
        using var document = JsonDocument.Parse("""["todo",5]""");

        Assert.Equal(new Tag("todo", 5), TagReader.Read((object)document.RootElement).Tag);
    }
}
