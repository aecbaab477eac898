using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Tests.Abstractions.Protocol;

/// <summary>
/// Server → client payloads have the same lower-case member names in JSON and MessagePack (a map with string keys),
/// and readers ignore members they do not know.
/// </summary>
public class WireMessageTests
{
    public static TheoryData<string> JsonOptionNames => ["default", "signalr"];

    public static TheoryData<string> MessagePackOptionNames => ["standard", "signalr"];

    private static InvalidationMessage Invalidation => new()
    {
        Id = "0197a5b0c1d2",
        Tags = [["todos"], ["todo", 5]],
        Cursor = InvalidationCursor.Parse("e1:7"),
        Source = null,
    };

    private static InvalidationMessage Traced()
    {
        var traced = Invalidation;
        traced.TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        return traced;
    }

    private static SubscribeResult Subscribed => new()
    {
        Cursor = InvalidationCursor.Parse("e1:9"),
        Reset = false,
        Missed = [["todo", 5, "comments"]],
        Rejected = [new TagRejection { Index = 2, Tag = "[1.5]", Rule = TagRules.SegmentType, Reason = "a float" }],
    };

    private static ResetMessage Reset => new() { Reason = "backplane-restored", Cursor = InvalidationCursor.Parse("e2:0") };

    [Theory]
    [MemberData(nameof(JsonOptionNames))]
    public void InvalidationMessage_json(string options)
    {
        var json = JsonSerializer.Serialize(Invalidation, Json(options));

        Assert.Equal("""{"id":"0197a5b0c1d2","tags":[["todos"],["todo",5]],"cursor":"e1:7","origin":null}""", json);
        AssertInvalidationEqual(Invalidation, JsonSerializer.Deserialize<InvalidationMessage>(json, Json(options))!);
    }

    [Theory]
    [MemberData(nameof(JsonOptionNames))]
    public void InvalidationMessage_json_with_a_traceparent(string options)
    {
        var traced = Traced();

        var json = JsonSerializer.Serialize(traced, Json(options));

        Assert.Equal(
            """{"id":"0197a5b0c1d2","tags":[["todos"],["todo",5]],"cursor":"e1:7","origin":null,"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""",
            json);
        AssertInvalidationEqual(traced, JsonSerializer.Deserialize<InvalidationMessage>(json, Json(options))!);
    }

    [Theory]
    [MemberData(nameof(JsonOptionNames))]
    public void SubscribeResult_json(string options)
    {
        var json = JsonSerializer.Serialize(Subscribed, Json(options));

        Assert.Equal(
            """{"cursor":"e1:9","reset":false,"missed":[["todo",5,"comments"]],"rejected":[{"index":2,"tag":"[1.5]","rule":"segment-type","reason":"a float"}],"spread":0}""",
            json);
        AssertSubscribeResultEqual(Subscribed, JsonSerializer.Deserialize<SubscribeResult>(json, Json(options))!);
    }

    [Theory]
    [MemberData(nameof(JsonOptionNames))]
    public void ResetMessage_json(string options)
    {
        var json = JsonSerializer.Serialize(Reset, Json(options));

        Assert.Equal("""{"reason":"backplane-restored","cursor":"e2:0","spread":0}""", json);
        var read = JsonSerializer.Deserialize<ResetMessage>(json, Json(options))!;
        Assert.Equal(Reset.Reason, read.Reason);
        Assert.Equal(Reset.Cursor, read.Cursor);
    }

    [Theory]
    [MemberData(nameof(JsonOptionNames))]
    public void Json_readers_ignore_unknown_members(string options)
    {
        var read = JsonSerializer.Deserialize<InvalidationMessage>(
            """{"id":"x","future":{"a":[1,2]},"tags":[["todo"]],"cursor":null,"origin":"node-1","later":5}""",
            Json(options))!;

        Assert.Equal("x", read.Id);
        Assert.Equal([new Tag("todo")], read.Tags);
        Assert.Null(read.Cursor);
        Assert.Equal("node-1", read.Source);
    }

    [Fact]
    public void Json_reader_refuses_an_invalid_tag_in_a_message()
    {
        var error = Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize<InvalidationMessage>("""{"id":"x","tags":[["todo",1.5]],"cursor":null,"origin":null}"""));

        Assert.Contains($"({TagRules.SegmentType})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"x","tags":[],"cursor":"no-sequence","origin":null}""", "'no-sequence'")]
    [InlineData("""{"id":"x","tags":[],"cursor":7,"origin":null}""", "JSON number")]
    public void Json_reader_refuses_a_cursor_that_is_not_one(string json, string named)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<InvalidationMessage>(json));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("epoch:sequence", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void MessagePack_reader_refuses_a_cursor_that_is_not_one(string options)
    {
        var bytes = MessagePackSerializer.Serialize(
            new Dictionary<string, object?> { ["reason"] = "r", ["cursor"] = "age:100" },
            MessagePackSerializerOptions.Standard);

        var error = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<ResetMessage>(bytes, MessagePack(options)));

        Assert.Contains("'age:100'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_cursor_is_not_written()
    {
        var error = Assert.Throws<InvalidOperationException>(() => JsonSerializer.Serialize(new SubscribeResult()));

        Assert.Contains("default", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void InvalidationMessage_messagepack(string options)
    {
        var bytes = MessagePackSerializer.Serialize(Invalidation, MessagePack(options));

        var map = ReadMap(bytes);
        Assert.Equal(["id", "tags", "cursor", "origin"], map.Keys);
        Assert.Equal("0197a5b0c1d2", map["id"]);
        var tags = Assert.IsType<object[]>(map["tags"]);
        Assert.Equal(["todos"], Assert.IsType<object[]>(tags[0]));
        Assert.Equal(["todo", (byte)5], Assert.IsType<object[]>(tags[1]));
        Assert.Equal("e1:7", map["cursor"]);
        Assert.Null(map["origin"]);
        AssertInvalidationEqual(Invalidation, MessagePackSerializer.Deserialize<InvalidationMessage>(bytes, MessagePack(options)));
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void InvalidationMessage_messagepack_with_a_traceparent(string options)
    {
        var traced = Traced();

        var bytes = MessagePackSerializer.Serialize(traced, MessagePack(options));

        var map = ReadMap(bytes);
        Assert.Equal(["id", "tags", "cursor", "origin", "traceparent"], map.Keys);
        Assert.Equal(traced.TraceParent, map["traceparent"]);
        AssertInvalidationEqual(traced, MessagePackSerializer.Deserialize<InvalidationMessage>(bytes, MessagePack(options)));
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void MessagePack_reader_skips_a_key_that_is_not_a_string(string options)
    {
        var bytes = MessagePackSerializer.Serialize(
            new Dictionary<object, object?> { [7] = new object[] { "x" }, ["id"] = "x", ["tags"] = new object[] { new object[] { "todo" } } },
            MessagePackSerializerOptions.Standard);

        var read = MessagePackSerializer.Deserialize<InvalidationMessage>(bytes, MessagePack(options));

        Assert.Equal("x", read.Id);
        Assert.Equal([new Tag("todo")], read.Tags);
        Assert.Null(read.TraceParent);
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void SubscribeResult_messagepack(string options)
    {
        var bytes = MessagePackSerializer.Serialize(Subscribed, MessagePack(options));

        var map = ReadMap(bytes);
        Assert.Equal(["cursor", "reset", "missed", "rejected", "spread"], map.Keys);
        Assert.Equal(false, map["reset"]);
        Assert.Equal(["todo", (byte)5, "comments"], Assert.IsType<object[]>(Assert.Single(Assert.IsType<object[]>(map["missed"]))));
        var rejection = AsMap(Assert.Single(Assert.IsType<object[]>(map["rejected"])));
        Assert.Equal(["index", "tag", "rule", "reason"], rejection.Keys);
        Assert.Equal("segment-type", rejection["rule"]);
        AssertSubscribeResultEqual(Subscribed, MessagePackSerializer.Deserialize<SubscribeResult>(bytes, MessagePack(options)));
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void SubscribeResult_with_a_reset_messagepack(string options)
    {
        var result = new SubscribeResult { Cursor = InvalidationCursor.Parse("e3:0"), Reset = true };

        var bytes = MessagePackSerializer.Serialize(result, MessagePack(options));

        var map = ReadMap(bytes);
        Assert.Equal(true, map["reset"]);
        Assert.Empty(Assert.IsType<object[]>(map["missed"]));
        Assert.Empty(Assert.IsType<object[]>(map["rejected"]));
        AssertSubscribeResultEqual(result, MessagePackSerializer.Deserialize<SubscribeResult>(bytes, MessagePack(options)));
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void ResetMessage_messagepack(string options)
    {
        var bytes = MessagePackSerializer.Serialize(Reset, MessagePack(options));

        var map = ReadMap(bytes);
        Assert.Equal(["reason", "cursor", "spread"], map.Keys);
        Assert.Equal("backplane-restored", map["reason"]);
        Assert.Equal("e2:0", map["cursor"]);
        var read = MessagePackSerializer.Deserialize<ResetMessage>(bytes, MessagePack(options));
        Assert.Equal(Reset.Reason, read.Reason);
        Assert.Equal(Reset.Cursor, read.Cursor);
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void MessagePack_readers_ignore_unknown_members(string options)
    {
        var bytes = MessagePackSerializer.Serialize(
            new Dictionary<string, object?>
            {
                ["id"] = "x",
                ["future"] = new object[] { 1, "two" },
                ["tags"] = new object[] { new object[] { "todo", 5 } },
                ["cursor"] = null,
                ["origin"] = "node-1",
                ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            },
            MessagePackSerializerOptions.Standard);

        var read = MessagePackSerializer.Deserialize<InvalidationMessage>(bytes, MessagePack(options));

        Assert.Equal("x", read.Id);
        Assert.Equal([new Tag("todo", 5)], read.Tags);
        Assert.Null(read.Cursor);
        Assert.Equal("node-1", read.Source);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", read.TraceParent);
    }

    [Theory]
    [MemberData(nameof(JsonOptionNames))]
    public void A_spread_is_written_on_an_invalidation_and_a_reset_that_have_one(string options)
    {
        var spread = Invalidation;
        spread.SpreadMilliseconds = 5000;

        var json = JsonSerializer.Serialize(spread, Json(options));
        var reset = JsonSerializer.Serialize(new ResetMessage { Reason = "new-epoch", SpreadMilliseconds = 250 }, Json(options));

        Assert.Equal("""{"id":"0197a5b0c1d2","tags":[["todos"],["todo",5]],"cursor":"e1:7","origin":null,"spread":5000}""", json);
        AssertInvalidationEqual(spread, JsonSerializer.Deserialize<InvalidationMessage>(json, Json(options))!);
        Assert.Equal("""{"reason":"new-epoch","cursor":null,"spread":250}""", reset);
        Assert.Equal(250, JsonSerializer.Deserialize<ResetMessage>(reset, Json(options))!.SpreadMilliseconds);
    }

    [Theory]
    [MemberData(nameof(MessagePackOptionNames))]
    public void A_spread_is_written_on_an_invalidation_that_has_one_messagepack(string options)
    {
        var spread = Invalidation;
        spread.SpreadMilliseconds = 5000;

        var bytes = MessagePackSerializer.Serialize(spread, MessagePack(options));

        var map = ReadMap(bytes);
        Assert.Equal(["id", "tags", "cursor", "origin", "spread"], map.Keys);
        Assert.Equal((ushort)5000, map["spread"]);
        AssertInvalidationEqual(spread, MessagePackSerializer.Deserialize<InvalidationMessage>(bytes, MessagePack(options)));
    }

    [Theory]
    [InlineData("-5", 0)]
    [InlineData("1.9", 1)]
    [InlineData("1e300", 60_000)]
    [InlineData("60001", 60_000)]
    [InlineData("\"5000\"", 0)]
    [InlineData("[5000]", 0)]
    [InlineData("null", 0)]
    public void A_hostile_spread_is_cut_to_0_to_60_seconds_json(string value, int expected)
    {
        foreach (var options in new[] { "default", "signalr" })
        {
            Assert.Equal(expected, JsonSerializer.Deserialize<InvalidationMessage>($$"""{"id":"x","tags":[],"spread":{{value}}}""", Json(options))!.SpreadMilliseconds);
            Assert.Equal(expected, JsonSerializer.Deserialize<ResetMessage>($$"""{"reason":"x","spread":{{value}}}""", Json(options))!.SpreadMilliseconds);
            Assert.Equal(expected, JsonSerializer.Deserialize<SubscribeResult>($$"""{"cursor":"e1:1","reset":true,"spread":{{value}}}""", Json(options))!.SpreadMilliseconds);
        }
    }

    public static TheoryData<object?, int> HostileMessagePackSpreads => new()
    {
        { -5, 0 },
        { ulong.MaxValue, 60_000 },
        { 1e300, 60_000 },
        { double.NaN, 0 },
        { "5000", 0 },
        { new object[] { 5000 }, 0 },
        { null, 0 },
    };

    [Theory]
    [MemberData(nameof(HostileMessagePackSpreads))]
    public void A_hostile_spread_on_an_invalidation_is_cut_to_0_to_60_seconds_messagepack(object? value, int expected)
    {
        foreach (var options in new[] { "standard", "signalr" })
        {
            byte[] Map(params (string Key, object? Value)[] members) =>
                MessagePackSerializer.Serialize(members.ToDictionary(member => member.Key, member => member.Value), MessagePackSerializerOptions.Standard);

            Assert.Equal(expected, MessagePackSerializer.Deserialize<InvalidationMessage>(Map(("id", "x"), ("spread", value), ("tags", Array.Empty<object>())), MessagePack(options)).SpreadMilliseconds);
        }
    }

    private static JsonSerializerOptions Json(string name) =>
        name == "signalr" ? new JsonHubProtocolOptions().PayloadSerializerOptions : JsonSerializerOptions.Default;

    private static MessagePackSerializerOptions MessagePack(string name) =>
        name == "signalr" ? new MessagePackHubProtocolOptions().SerializerOptions : MessagePackSerializerOptions.Standard;

    private static Dictionary<object, object?> ReadMap(byte[] bytes) =>
        AsMap(MessagePackSerializer.Deserialize<object>(bytes, MessagePackSerializerOptions.Standard));

    private static Dictionary<object, object?> AsMap(object? value)
    {
        var map = Assert.IsType<Dictionary<object, object?>>(value);
        Assert.All(map.Keys, key => Assert.IsType<string>(key));
        return map;
    }

    private static void AssertInvalidationEqual(InvalidationMessage expected, InvalidationMessage actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Cursor, actual.Cursor);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected.SpreadMilliseconds, actual.SpreadMilliseconds);
    }

    private static void AssertSubscribeResultEqual(SubscribeResult expected, SubscribeResult actual)
    {
        Assert.Equal(expected.Cursor, actual.Cursor);
        Assert.Equal(expected.Reset, actual.Reset);
        Assert.Equal(expected.SpreadMilliseconds, actual.SpreadMilliseconds);
        Assert.Equal(expected.Missed, actual.Missed);
        Assert.Equal(
            expected.Rejected.Select(r => (r.Index, r.Tag, r.Rule, r.Reason)),
            actual.Rejected.Select(r => (r.Index, r.Tag, r.Rule, r.Reason)));
    }
}
