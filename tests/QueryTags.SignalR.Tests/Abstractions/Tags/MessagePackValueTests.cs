using MessagePack;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

/// <summary>Tags kept as MessagePack bytes (what the hub binds) read as the JSON reader reads them, with UTF-8 checked.</summary>
public class MessagePackValueTests
{
    public static TheoryData<TagVector> CanonicalVectors => TagVectors.Section("canonical");

    public static TheoryData<TagVector> CarriedInvalidVectors =>
        TagVectors.Section("invalid", v => MessagePackFromJson.CanCarry(v["input"]) && !v["why"].GetString()!.StartsWith("JSON text only:", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Reads_every_canonical_vector(TagVector vector)
    {
        var read = TagReader.Read(new MessagePackValue(MessagePackFromJson.Convert(vector["input"])), TagVectors.Limits);

        Assert.Equal(vector["canonical"].GetString(), read.Tag?.Canonical);
    }

    [Theory]
    [MemberData(nameof(CarriedInvalidVectors))]
    public void Refuses_every_invalid_vector_by_its_rule(TagVector vector)
    {
        var read = TagReader.Read(new MessagePackValue(MessagePackFromJson.Convert(vector["input"])), TagVectors.Limits);

        Assert.Equal(vector["rule"].GetString(), read.Rule);
    }

    [Theory]
    [InlineData(new byte[] { 0x91, 0xa2, (byte)'a', 0xff })]            // a stray continuation-free byte
    [InlineData(new byte[] { 0x91, 0xa3, 0xed, 0xa0, 0x80 })]           // an encoded surrogate (CESU)
    [InlineData(new byte[] { 0x91, 0xa2, 0xc0, 0x80 })]                 // an overlong NUL
    public void Refuses_a_string_that_is_not_UTF8_as_invalid_string(byte[] bytes)
    {
        var read = TagReader.Read(new MessagePackValue(bytes));

        Assert.Equal(TagRules.InvalidString, read.Rule);
        Assert.Contains("segment 0", read.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Tag_formatter_refuses_a_string_that_is_not_UTF8_too()
    {
        var error = Assert.Throws<MessagePackSerializationException>(() =>
            MessagePackSerializer.Deserialize<Tag>(new byte[] { 0x91, 0xa2, (byte)'a', 0xff }, MessagePackSerializerOptions.Standard));

        Assert.Contains($"({TagRules.InvalidString})", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x91, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0 }, "NaN")]
    [InlineData(new byte[] { 0x91, 0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0 }, "Infinity")]
    [InlineData(new byte[] { 0x91, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, "18446744073709551615")]
    public void Refuses_floats_and_huge_integers_naming_them(byte[] bytes, string named)
    {
        var read = TagReader.Read(new MessagePackValue(bytes));

        Assert.NotNull(read.Rule);
        Assert.Contains(named, read.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_a_value_nested_a_hundred_thousand_deep_without_recursing()
    {
        var bytes = new byte[100_002];
        bytes.AsSpan(0, 100_001).Fill(0x91);
        bytes[^1] = 0xc0;
        var reader = new MessagePackReader(bytes);

        var value = MessagePackValue.Read(ref reader);

        Assert.Equal(bytes.Length, value.Bytes.Length);
        Assert.True(reader.End);
        Assert.Equal(TagRules.SegmentType, TagReader.Read(value).Rule);
    }

    [Fact]
    public void Data_that_ends_early_throws_as_MessagePack_does()
    {
        Assert.ThrowsAny<Exception>(() =>
        {
            var reader = new MessagePackReader(new byte[] { 0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0 });
            MessagePackValue.Read(ref reader);
        });
    }
}
