using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

public class TagMessagePackFormatterTests
{
    public static TheoryData<TagVector> CanonicalVectors => TagVectors.Section("canonical");

    public static TheoryData<TagVector> StructureVectors => TagVectors.Section(
        "invalid",
        v => !TagVectors.IsLimitRule(v["rule"].GetString()) && MessagePackFromJson.CanCarry(v["input"]));

    public static TheoryData<TagVector> CarriedInvalidVectors =>
        TagVectors.Section("invalid", v => MessagePackFromJson.CanCarry(v["input"]));

    public static TheoryData<string> Options => ["standard", "signalr"];

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Round_trips_every_canonical_vector(TagVector vector)
    {
        var tag = TagVectors.ReadTag(vector["input"]);

        var bytes = MessagePackSerializer.Serialize(tag, MessagePackSerializerOptions.Standard);
        var read = MessagePackSerializer.Deserialize<Tag>(bytes, MessagePackSerializerOptions.Standard);

        Assert.Equal(tag, read);
        Assert.Equal(vector["canonical"].GetString(), read.Canonical);
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Writes_an_array_of_str_int_and_bool(TagVector vector)
    {
        var tag = TagVectors.ReadTag(vector["input"]);

        var bytes = MessagePackSerializer.Serialize(tag, MessagePackSerializerOptions.Standard);
        var graph = Assert.IsType<object[]>(MessagePackSerializer.Deserialize<object>(bytes, MessagePackSerializerOptions.Standard));

        Assert.Equal(tag.Count, graph.Length);
        for (var i = 0; i < tag.Count; i++)
        {
            switch (tag[i].Kind)
            {
                case TagSegmentKind.String:
                    Assert.Equal(tag[i].StringValue, Assert.IsType<string>(graph[i]));
                    break;
                case TagSegmentKind.Integer:
                    Assert.Equal(tag[i].IntegerValue.ToString(System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(graph[i], System.Globalization.CultureInfo.InvariantCulture));
                    Assert.IsNotType<double>(graph[i]);
                    break;
                default:
                    Assert.Equal(tag[i].BooleanValue, Assert.IsType<bool>(graph[i]));
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Reads_what_a_client_writes(TagVector vector)
    {
        var bytes = MessagePackFromJson.Convert(vector["input"]);

        Assert.Equal(vector["canonical"].GetString(), MessagePackSerializer.Deserialize<Tag>(bytes, MessagePackSerializerOptions.Standard).Canonical);
    }

    [Theory]
    [MemberData(nameof(StructureVectors))]
    public void Invalid_input_throws_a_MessagePackSerializationException_naming_the_rule(TagVector vector)
    {
        var bytes = MessagePackFromJson.Convert(vector["input"]);

        var error = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<Tag>(bytes, MessagePackSerializerOptions.Standard));

        // MessagePackSerializer wraps what a formatter throws in "Failed to deserialize ...".
        var inner = Assert.IsType<MessagePackSerializationException>(error.InnerException);
        Assert.Contains($"({vector["rule"].GetString()})", inner.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CarriedInvalidVectors))]
    public void Hub_argument_graph_of_invalid_input_is_refused_with_its_rule(TagVector vector)
    {
        // SignalR's MessagePack protocol hands an object?[] argument over as this object graph.
        var graph = MessagePackSerializer.Deserialize<object>(MessagePackFromJson.Convert(vector["input"]), SignalROptions);

        var result = TagReader.Read(graph, TagVectors.Limits);

        Assert.Null(result.Tag);
        Assert.Equal(vector["rule"].GetString(), result.Rule);
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Hub_argument_graph_reads_as_the_canonical_form(TagVector vector)
    {
        var graph = MessagePackSerializer.Deserialize<object>(MessagePackFromJson.Convert(vector["input"]), SignalROptions);

        var result = TagReader.Read(graph, TagVectors.Limits);

        Assert.Null(result.Rule);
        Assert.Equal(vector["canonical"].GetString(), result.Tag?.Canonical);
    }

    [Fact]
    public void Every_vector_but_unpaired_surrogates_and_huge_integers_is_carried()
    {
        var skipped = TagVectors.Root.GetProperty("invalid").GetArrayLength() - CarriedInvalidVectors.Count<object[]>();

        Assert.Equal(5, skipped);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Round_trips_with_SignalR_options(string options)
    {
        var serializerOptions = options == "signalr" ? SignalROptions : MessagePackSerializerOptions.Standard;
        Tag tag = ["todo", TagSegment.MaxInteger, TagSegment.MinInteger, true, "日本😀"];

        var bytes = MessagePackSerializer.Serialize(tag, serializerOptions);

        Assert.Equal(tag, MessagePackSerializer.Deserialize<Tag>(bytes, serializerOptions));
    }

    [Fact]
    public void Uint64_above_the_int64_range_is_an_integer_range_error()
    {
        var bytes = Write(static (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(1);
            w.Write(ulong.MaxValue);
        });

        AssertRule(TagRules.IntegerRange, bytes);
    }

    [Fact]
    public void Uint64_within_the_range_is_an_integer()
    {
        var bytes = Write(static (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(1);
            w.WriteUInt64(5);
        });

        Assert.Equal(new Tag(5), MessagePackSerializer.Deserialize<Tag>(bytes, MessagePackSerializerOptions.Standard));
    }

    [Fact]
    public void Float_nil_and_binary_segments_are_segment_type_errors()
    {
        AssertRule(TagRules.SegmentType, Write(static (ref MessagePackWriter w) => { w.WriteArrayHeader(1); w.Write(5f); }));
        AssertRule(TagRules.SegmentType, Write(static (ref MessagePackWriter w) => { w.WriteArrayHeader(1); w.WriteNil(); }));
        AssertRule(TagRules.SegmentType, Write(static (ref MessagePackWriter w) => { w.WriteArrayHeader(1); w.Write([1, 2]); }));
        AssertRule(TagRules.SegmentType, Write(static (ref MessagePackWriter w) => { w.WriteArrayHeader(1); w.WriteMapHeader(0); }));
    }

    [Fact]
    public void Map_is_not_an_array()
    {
        AssertRule(TagRules.NotAnArray, Write(static (ref MessagePackWriter w) => w.WriteMapHeader(0)));
    }

    [Fact]
    public void Writing_a_default_tag_throws()
    {
        var error = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Serialize(default(Tag), MessagePackSerializerOptions.Standard));

        Assert.Contains("empty", (error.InnerException ?? error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_limits_are_not_applied_when_reading()
    {
        Tag nine = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];

        var read = MessagePackSerializer.Deserialize<Tag>(MessagePackSerializer.Serialize(nine, MessagePackSerializerOptions.Standard), MessagePackSerializerOptions.Standard);

        Assert.Equal(nine, read);
    }

    private static MessagePackSerializerOptions SignalROptions => new MessagePackHubProtocolOptions().SerializerOptions;

    private delegate void WriteAction(ref MessagePackWriter writer);

    private static byte[] Write(WriteAction write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void AssertRule(string rule, byte[] bytes)
    {
        var error = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<Tag>(bytes, MessagePackSerializerOptions.Standard));

        Assert.Contains($"({rule})", error.InnerException?.Message, StringComparison.Ordinal);
    }
}
