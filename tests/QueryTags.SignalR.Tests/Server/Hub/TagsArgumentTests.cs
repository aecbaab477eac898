using System.Text.Json;
using MessagePack;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

/// <summary>The hub's tags argument binds whatever a client sends, so the call can say what was wrong.</summary>
public class TagsArgumentTests
{
    [Fact]
    public void Json_keeps_each_element_as_sent()
    {
        var argument = JsonSerializer.Deserialize<TagsArgument>("""[["todo",5],"x",{"a":1},[[[]]]]""")!;

        Assert.Null(argument.NotAList);
        Assert.Equal(4, argument.Count);
        Assert.Equal("todo", TagReader.Read(argument.Items[0]).Tag?[0].StringValue);
        Assert.Equal(TagRules.NotAnArray, TagReader.Read(argument.Items[1]).Rule);
        Assert.Equal("""[[[]]]""", RawTagText.Render(argument.Items[3]));
    }

    [Theory]
    [InlineData("\"todos\"", "a JSON string")]
    [InlineData("5", "a JSON number")]
    [InlineData("{\"tags\":[]}", "a JSON object")]
    public void Json_that_is_not_a_list_binds_and_says_what_it_is(string json, string what)
    {
        var argument = JsonSerializer.Deserialize<TagsArgument>(json)!;

        Assert.Equal(what, argument.NotAList);
        Assert.Equal(0, argument.Count);
    }

    [Fact]
    public void MessagePack_keeps_each_element_as_bytes_and_renders_it()
    {
        var bytes = MessagePackSerializer.ConvertFromJson("""[["todo",5],[1.5],{"a":[1,2]}]""");

        var argument = MessagePackSerializer.Deserialize<TagsArgument>(bytes, MessagePackSerializerOptions.Standard)!;

        Assert.Equal(3, argument.Count);
        Assert.All(argument.Items, item => Assert.IsType<MessagePackValue>(item));
        Assert.Equal(new Tag("todo", 5), TagReader.Read(argument.Items[0]).Tag);
        Assert.Equal("[1.5]", RawTagText.Render(argument.Items[1]));
        Assert.Equal("""{"a":[1,2]}""", RawTagText.Render(argument.Items[2]));
    }

    [Fact]
    public void MessagePack_that_is_not_a_list_binds_and_says_what_it_is()
    {
        var argument = MessagePackSerializer.Deserialize<TagsArgument>(MessagePackSerializer.ConvertFromJson("\"todos\""), MessagePackSerializerOptions.Standard)!;

        Assert.Equal("a MessagePack string", argument.NotAList);
    }

    [Fact]
    public void MessagePack_nil_is_null()
    {
        Assert.Null(MessagePackSerializer.Deserialize<TagsArgument>(new byte[] { 0xc0 }, MessagePackSerializerOptions.Standard));
    }

    [Fact]
    public void A_deep_MessagePack_value_renders_eight_levels_and_an_ellipsis()
    {
        var bytes = new byte[10_002];
        bytes.AsSpan(0, 10_001).Fill(0x91);
        bytes[^1] = 0xc0;

        Assert.Equal("[[[[[[[[[…]]]]]]]]]", RawTagText.Render(new MessagePackValue(bytes)));
    }
}
