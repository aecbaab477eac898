using System.Text.Json;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class RawTagTextTests
{
    [Fact]
    public void Renders_a_json_element_as_compact_json()
    {
        using var document = JsonDocument.Parse("""[ "todo" , 5, true, null, 1.5, {"a": [1]} ]""");

        Assert.Equal("""["todo",5,true,null,1.5,{"a":[1]}]""", RawTagText.Render(document.RootElement));
    }

    [Fact]
    public void Renders_an_undefined_json_element()
    {
        Assert.Equal("undefined", RawTagText.Render(default(JsonElement)));
    }

    [Fact]
    public void Renders_a_json_string_with_an_unpaired_surrogate_as_received()
    {
        // The JSON protocol hands such a tag over; it must be rejected as invalid-string, not fail the call.
        using var document = JsonDocument.Parse("""["todo","\ud800"]""");

        Assert.Equal("""["todo","\ud800"]""", RawTagText.Render(document.RootElement));
    }

    [Fact]
    public void Renders_a_MessagePack_object_graph()
    {
        object?[] value =
        [
            "todo",
            (byte)5,
            -3L,
            true,
            null,
            1.5,
            new Dictionary<object, object> { ["k"] = "v", [1] = (sbyte)-2 },
            new object[] { "nested" },
            new byte[] { 1, 2, 3 },
        ];

        Assert.Equal("""["todo",5,-3,true,null,1.5,{"k":"v","1":-2},["nested"],"<3 bytes>"]""", RawTagText.Render(value));
    }

    [Fact]
    public void Renders_null_and_scalars()
    {
        Assert.Equal("null", RawTagText.Render(null));
        Assert.Equal("\"todos\"", RawTagText.Render("todos"));
        Assert.Equal("5", RawTagText.Render(5));
        Assert.Equal("false", RawTagText.Render(false));
        Assert.Equal("\"Object\"", RawTagText.Render(new object()));
    }

    [Fact]
    public void Escapes_strings_like_the_canonical_form()
    {
        Assert.Equal("""["a\"b","\n","é"]""", RawTagText.Render(new object[] { "a\"b", "\n", "é" }));
    }

    [Fact]
    public void Cuts_long_text()
    {
        var rendered = RawTagText.Render(new object[] { new string('x', 1000) });

        Assert.Equal(301, rendered.Length);
        Assert.StartsWith("[\"xxx", rendered, StringComparison.Ordinal);
        Assert.EndsWith("x…", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuts_long_json_text()
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(Enumerable.Range(0, 500).ToArray()));

        var rendered = RawTagText.Render(document.RootElement);

        Assert.Equal(301, rendered.Length);
        Assert.StartsWith("[0,1,2,", rendered, StringComparison.Ordinal);
        Assert.EndsWith("…", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Stops_at_deep_nesting()
    {
        object value = "bottom";
        for (var i = 0; i < 20; i++)
        {
            value = new[] { value };
        }

        var rendered = RawTagText.Render(value);

        Assert.Equal("[[[[[[[[[…]]]]]]]]]", rendered);
    }

    [Fact]
    public void Stops_rendering_a_long_list_early()
    {
        var rendered = RawTagText.Render(Enumerable.Repeat<object>("item", 10_000).ToArray());

        Assert.True(rendered.Length <= 301);
        Assert.EndsWith("…", rendered, StringComparison.Ordinal);
    }
}
