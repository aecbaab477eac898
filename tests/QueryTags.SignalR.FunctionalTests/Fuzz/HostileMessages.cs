using System.Net.WebSockets;
using System.Text;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using static QueryTags.SignalR.FunctionalTests.Fuzz.FuzzValue;

namespace QueryTags.SignalR.FunctionalTests.Fuzz;

/// <summary>One frame a hostile client sends, what kind of hostility it is, and the WebSocket frame type it goes in.</summary>
public sealed record HostileFrame(string Kind, byte[] Bytes, WebSocketMessageType Type);

/// <summary>
/// A seeded generator of hostile messages in either protocol. <see cref="Survivable"/> gives what must leave the
/// connection open (anything wrong inside a call, or a message the hub does not expect); <see cref="Fatal"/> gives what
/// the protocol cannot read as a message, which closes the connection.
/// </summary>
public sealed class HostileMessages(Random random, bool messagePack)
{
    private static readonly string[] Methods = ["Subscribe", "Unsubscribe"];
    private int _invocations;

    /// <summary>A message that must not close the connection.</summary>
    public HostileFrame Survivable() => random.Next(100) switch
    {
        < 35 => Invoke("hostile tags", "Subscribe", List(Tags(), Cursor())),
        < 43 => Invoke("hostile unsubscribe", "Unsubscribe", List(Tags())),
        < 53 => Invoke("subscribe storm", random.Next(4) == 0 ? "Unsubscribe" : "Subscribe", random.Next(4) == 0 ? List(StormTags()) : List(StormTags(), Nil.Instance)),
        < 63 => Invoke("wrong argument count", Methods[random.Next(2)], List([.. Enumerable.Range(0, random.Next(4) switch { 0 => 0, 1 => 1, 2 => 3, _ => 7 }).Select(_ => Tags())])),
        < 73 => Invoke("wrong argument type", "Subscribe", random.Next(2) == 0 ? List(NotAList(), Nil.Instance) : List(Tags(), NotAString())),
        < 80 => Invoke("garbage cursor", "Subscribe", List(StormTags(), Cursor())),
        < 83 => Invoke("too many tags in a call", "Subscribe", List(List([.. Enumerable.Range(0, 257 + random.Next(50)).Select(i => List(Of("bulk"), Of(i)))]), Nil.Instance)),
        < 86 => Invoke("deep nesting", "Subscribe", List(List(new Deep(messagePack ? random.Next(100, 20_000) : random.Next(8, 40))), Nil.Instance)),
        < 89 => Invoke("not UTF-8", "Subscribe", List(List(List(Of("x"), new BadUtf8([(byte)'a', (byte)random.Next(0x80, 0x100)]))), Nil.Instance)),
        < 92 => Invoke("unknown method", Word(), List()),
        < 94 when messagePack => TruncatedArguments(),
        _ => Unexpected(),
    };

    /// <summary>A message the protocol cannot read as a message: the server closes the connection.</summary>
    public HostileFrame Fatal() => random.Next(messagePack ? 5 : 7) switch
    {
        0 => Frame("malformed", Truncated()),
        1 => Frame("oversized frame", Invocation("1", "Subscribe", List(List(List(Of(new string('x', 40_000)))), Nil.Instance))),
        2 => Frame("envelope", Envelope()),
        3 => Frame("garbage bytes", Garbage()),
        4 => Frame("client close message", messagePack ? [0x93, 0x07, 0xc0, 0xc2] : "{\"type\":7}"u8.ToArray()),
        5 => Frame("deep nesting (JSON, past 64 levels)", Invocation("1", "Subscribe", List(List(new Deep(70 + random.Next(200))), Nil.Instance))),
        _ => new HostileFrame("not UTF-8 in a text frame", [.. Invocation("1", "Subscribe", List(List(List(new BadUtf8([0xff, 0xfe]))), Nil.Instance)), 0x1e], WebSocketMessageType.Text),
    };

    /// <summary>A handshake the server refuses (it answers the error and closes).</summary>
    public byte[] BadHandshake() => random.Next(4) switch
    {
        0 => "{\"protocol\":\"nope\",\"version\":1}\u001e"u8.ToArray(),
        1 => "{\"protocol\":\"json\",\"version\":99}\u001e"u8.ToArray(),
        2 => "{\"protocol\":\u001e"u8.ToArray(),
        _ => [.. Garbage(), 0x1e],
    };

    private HostileFrame Invoke(string kind, string target, FuzzValue arguments) =>
        Frame(kind, Invocation($"h{++_invocations}", target, arguments), arguments.HasBadUtf8);

    private byte[] Invocation(string? id, string target, FuzzValue arguments) => messagePack
        ? RawHubSocket.Invocation(id, target, arguments.ToMessagePack())
        : [.. Encoding.UTF8.GetBytes($"{{\"type\":1,{(id is null ? "" : $"\"invocationId\":\"{id}\",")}\"target\":\"{target}\",\"arguments\":"), .. arguments.ToJson(), (byte)'}'];

    // JSON with bytes that are not UTF-8 goes in a binary frame (a text frame must be UTF-8, or the WebSocket closes).
    private HostileFrame Frame(string kind, byte[] message, bool binary = false) => messagePack
        ? new HostileFrame(kind, RawHubSocket.LengthPrefixed(message), WebSocketMessageType.Binary)
        : new HostileFrame(kind, [.. message, 0x1e], binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text);

    // A MessagePack invocation whose arguments end early: the envelope reads, the arguments do not bind.
    private HostileFrame TruncatedArguments()
    {
        var arguments = List(StormTags(), Nil.Instance).ToMessagePack();
        return Frame("truncated arguments", RawHubSocket.Invocation($"h{++_invocations}", "Subscribe", arguments[..random.Next(1, arguments.Length)]));
    }

    // Messages the hub does not expect from a client, none of which the protocol refuses.
    private HostileFrame Unexpected()
    {
        var id = Word();
        return random.Next(8) switch
        {
            0 => Frame("unexpected: ping", messagePack ? [0x91, 0x06] : "{\"type\":6}"u8.ToArray()),
            7 => Frame("unexpected: a message type no protocol has", messagePack ? [0x92, (byte)random.Next(10, 0x80), 0x80] : Encoding.UTF8.GetBytes($"{{\"type\":{random.Next(10, 1000)}}}")),
            1 => Frame("unexpected: cancel of an unknown invocation", messagePack ? [0x93, 0x05, 0x80, .. Str(id)] : Encoding.UTF8.GetBytes($"{{\"type\":5,\"invocationId\":\"{id}\"}}")),
            2 => Frame("unexpected: completion of an unknown invocation", messagePack ? [0x95, 0x03, 0x80, .. Str(id), 0x03, 0x01] : Encoding.UTF8.GetBytes($"{{\"type\":3,\"invocationId\":\"{id}\",\"result\":1}}")),
            3 => Frame("unexpected: stream item", messagePack ? [0x94, 0x02, 0x80, .. Str(id), 0x01] : Encoding.UTF8.GetBytes($"{{\"type\":2,\"invocationId\":\"{id}\",\"item\":1}}")),
            4 => Invoke("unexpected: invocation without an id", "Subscribe", List(StormTags(), Nil.Instance)) with
            {
                Bytes = messagePack
                    ? RawHubSocket.LengthPrefixed(RawHubSocket.Invocation(null, "Subscribe", List(StormTags(), Nil.Instance).ToMessagePack()))
                    : [.. Invocation(null, "Subscribe", List(StormTags(), Nil.Instance)), 0x1e],
            },
            5 => Frame("unexpected: stream ids on Subscribe", messagePack
                ? [0x96, 0x01, 0x80, .. Str(id), .. Str("Subscribe"), 0x92, 0x90, 0xc0, 0x91, .. Str("s")]
                : Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Subscribe\",\"arguments\":[[],null],\"streamIds\":[\"s\"]}}")),
            _ => Frame("unexpected: stream invocation of Subscribe", messagePack
                ? [0x96, 0x04, 0x80, .. Str(id), .. Str("Subscribe"), 0x92, 0x90, 0xc0, 0x90]
                : Encoding.UTF8.GetBytes($"{{\"type\":4,\"invocationId\":\"{id}\",\"target\":\"Subscribe\",\"arguments\":[[],null]}}")),
        };
    }

    private static byte[] Str(string text) => [(byte)(0xa0 | Encoding.UTF8.GetByteCount(text)), .. Encoding.UTF8.GetBytes(text)];

    private FuzzValue Tags() => List([.. Enumerable.Range(0, random.Next(1, 7)).Select(_ => Tag())]);

    private FuzzValue StormTags() => List([.. Enumerable.Range(0, random.Next(1, 9)).Select(_ => List(Of("storm"), Of(random.Next(200))))]);

    private FuzzValue Tag() => random.Next(20) switch
    {
        < 4 => List(Of("fuzz"), Of(random.Next(1000))),
        4 => List(),
        5 => List([.. Enumerable.Range(0, random.Next(9, 20)).Select(i => Of(i))]),
        6 => List(Of(new string('x', random.Next(129, 400)))),
        7 => List(Float()),
        8 => List(Huge()),
        9 => List(random.Next(3) switch { 0 => Nil.Instance, 1 => new Map("a", Of(1)), _ => List(Of(1)) }),
        10 => NotAList(),
        11 => List(Of("x"), new LoneSurrogate(Word())),
        12 => List(new BadUtf8([(byte)'b', 0xc0, 0x80])),
        13 => new Deep(messagePack ? random.Next(50, 5000) : random.Next(3, 40)),
        14 => List([.. Enumerable.Range(0, 8).Select(i => Of($"{i}{new string('l', 127)}"))]),
        15 => List(new Binary([1, 2, 3])),
        _ => List([.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => Segment())]),
    };

    private FuzzValue Segment() => random.Next(6) switch
    {
        0 => Of(Word()),
        1 => Of(random.NextInt64(-9_007_199_254_740_991, 9_007_199_254_740_991)),
        2 => new Flag(random.Next(2) == 0),
        3 => Float(),
        4 => Huge(),
        _ => Of(string.Concat(Enumerable.Range(0, random.Next(1, 20)).Select(_ => char.ConvertFromUtf32(random.Next(2) == 0 ? random.Next(0x20, 0xd7ff) : random.Next(0x1f600, 0x1f650))))),
    };

    private FuzzValue Float() => random.Next(5) switch
    {
        0 => new Number("1.5", 1.5),
        1 => new Number("1e400", double.PositiveInfinity),
        2 => new Number("-0.0", -0.0),
        3 => new Number("-1e400", double.NegativeInfinity),
        _ => new Number("1e-400", double.NaN),
    };

    private FuzzValue Huge() => random.Next(4) switch
    {
        0 => Of(9_007_199_254_740_992),
        1 => Of(long.MinValue),
        2 => new Unsigned(ulong.MaxValue),
        _ => new Number("18446744073709551616", 1.8446744073709552E19),
    };

    private FuzzValue NotAList() => random.Next(4) switch
    {
        0 => Of(Word()),
        1 => Of(random.Next()),
        2 => new Map("tags", List()),
        _ => new Flag(true),
    };

    private FuzzValue NotAString() => random.Next(4) switch
    {
        0 => Of(5),
        1 => List(Of("a")),
        2 => new Map("epoch", Of(1)),
        _ => new Flag(false),
    };

    private FuzzValue Cursor() => random.Next(9) switch
    {
        0 => Nil.Instance,
        1 => Of(Word()),
        2 => Of("age:-5"),
        3 => Of("age:99999999999999999999999"),
        4 => Of($"{Word()}:{random.NextInt64()}"),
        5 => Of($"{Word()}:-1"),
        6 => Of(new string('c', random.Next(100, 5000))),
        7 => Of("a:b:c"),
        _ => Of("age:1000"),
    };

    private string Word() => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('a', 'z' + 1)));

    // JSON cut anywhere; MessagePack cut inside the envelope (cut inside the arguments, it binds as a wrong argument).
    private byte[] Truncated()
    {
        var whole = Invocation("1", "Subscribe", List(StormTags(), Nil.Instance));
        return whole[..random.Next(1, messagePack ? 6 : whole.Length - 1)];
    }

    private byte[] Envelope() => messagePack
        ? random.Next(4) switch
        {
            0 => [0x90],
            1 => [0x01],
            2 => [0x96, 0x01, 0x80, 0x05, .. Str("Subscribe"), 0x92, 0x90, 0xc0, 0x90],
            _ => [0x96, 0x01, 0x81, 0x01, 0x02, .. Str("1"), .. Str("Subscribe"), 0x92, 0x90, 0xc0, 0x90],
        }
        : Encoding.UTF8.GetBytes(random.Next(6) switch
        {
            0 => "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Subscribe\"}",
            1 => "{\"type\":1,\"invocationId\":\"1\",\"arguments\":[]}",
            2 => "{\"type\":1,\"invocationId\":5,\"target\":\"Subscribe\",\"arguments\":[[],null]}",
            3 => "{\"type\":\"1\",\"target\":\"Subscribe\",\"arguments\":[[],null]}",
            4 => "[1,2,3]",
            _ => "{}",
        });

    // Bytes that are neither JSON nor a MessagePack message (0xc1 is never used by MessagePack).
    private byte[] Garbage() => [0xc1, .. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(0x20, 0x7f))];
}
