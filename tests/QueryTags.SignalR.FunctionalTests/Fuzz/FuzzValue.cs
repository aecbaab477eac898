using System.Buffers;
using System.Globalization;
using System.Text;
using MessagePack;

namespace QueryTags.SignalR.FunctionalTests.Fuzz;

/// <summary>
/// A value a hostile client sends, written in either protocol: the same tree becomes JSON text or MessagePack, with
/// what only one of them can carry (a NaN, bytes that are not UTF-8, a lone surrogate) written as near as it allows.
/// </summary>
public abstract record FuzzValue
{
    /// <summary>True when the JSON of this value holds bytes that are not UTF-8 (it must go in a binary frame).</summary>
    public virtual bool HasBadUtf8 => false;

    public static FuzzValue Of(string text) => new Text(text);

    public static FuzzValue Of(long value) => new Integer(value);

    public static FuzzValue List(params FuzzValue[] items) => new Items(items);

    public abstract void Write(StringBuilder json, List<byte> raw);

    public abstract void Write(ref MessagePackWriter writer);

    /// <summary>The JSON bytes of this value (not UTF-8 where <see cref="HasBadUtf8"/> says so).</summary>
    public byte[] ToJson()
    {
        var text = new StringBuilder();
        var raw = new List<byte>();
        Write(text, raw);
        Flush(text, raw);
        return [.. raw];
    }

    public byte[] ToMessagePack()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    // JSON is built as text, except for bytes that are not UTF-8, which go straight into the output.
    protected static void Flush(StringBuilder json, List<byte> raw)
    {
        raw.AddRange(Encoding.UTF8.GetBytes(json.ToString()));
        json.Clear();
    }

    public sealed record Text(string Value) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) =>
            json.Append(System.Text.Json.JsonSerializer.Serialize(Value));

        public override void Write(ref MessagePackWriter writer) => writer.Write(Value);
    }

    public sealed record Integer(long Value) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) => json.Append(Value.ToString(CultureInfo.InvariantCulture));

        public override void Write(ref MessagePackWriter writer) => writer.Write(Value);
    }

    public sealed record Unsigned(ulong Value) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) => json.Append(Value.ToString(CultureInfo.InvariantCulture));

        public override void Write(ref MessagePackWriter writer) => writer.Write(Value);
    }

    /// <summary>A number written in JSON as <paramref name="JsonText"/> (1e400, 18446744073709551616) and in MessagePack as a float64.</summary>
    public sealed record Number(string JsonText, double Value) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) => json.Append(JsonText);

        public override void Write(ref MessagePackWriter writer) => writer.Write(Value);
    }

    public sealed record Flag(bool Value) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) => json.Append(Value ? "true" : "false");

        public override void Write(ref MessagePackWriter writer) => writer.Write(Value);
    }

    public sealed record Nil : FuzzValue
    {
        public static Nil Instance { get; } = new();

        public override void Write(StringBuilder json, List<byte> raw) => json.Append("null");

        public override void Write(ref MessagePackWriter writer) => writer.WriteNil();
    }

    /// <summary>A string with a lone surrogate: a <c>\uD800</c> escape in JSON, its CESU-8 bytes (not UTF-8) in MessagePack.</summary>
    public sealed record LoneSurrogate(string Before) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) =>
            json.Append('"').Append(Before).Append("\\ud800\"");

        public override void Write(ref MessagePackWriter writer)
        {
            byte[] cesu = [.. Encoding.UTF8.GetBytes(Before), 0xed, 0xa0, 0x80];
            writer.WriteString(cesu);
        }
    }

    /// <summary>A string whose bytes are not UTF-8, in either protocol.</summary>
    public sealed record BadUtf8(byte[] Bytes) : FuzzValue
    {
        public override bool HasBadUtf8 => true;

        public override void Write(StringBuilder json, List<byte> raw)
        {
            json.Append('"');
            Flush(json, raw);
            raw.AddRange(Bytes);
            json.Append('"');
        }

        public override void Write(ref MessagePackWriter writer) => writer.WriteString(Bytes);
    }

    /// <summary>Bytes: MessagePack's bin type; in JSON, a string of their hex.</summary>
    public sealed record Binary(byte[] Bytes) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) => json.Append('"').Append(Convert.ToHexString(Bytes)).Append('"');

        public override void Write(ref MessagePackWriter writer) => writer.Write(Bytes);
    }

    /// <summary>Arrays nested <paramref name="Depth"/> deep around a null, written without recursion.</summary>
    public sealed record Deep(int Depth) : FuzzValue
    {
        public override void Write(StringBuilder json, List<byte> raw) => json.Append('[', Depth).Append("null").Append(']', Depth);

        public override void Write(ref MessagePackWriter writer)
        {
            for (var i = 0; i < Depth; i++)
            {
                writer.WriteArrayHeader(1);
            }

            writer.WriteNil();
        }
    }

    public sealed record Items(FuzzValue[] Values) : FuzzValue
    {
        public override bool HasBadUtf8 => Values.Any(value => value.HasBadUtf8);

        public override void Write(StringBuilder json, List<byte> raw)
        {
            json.Append('[');
            for (var i = 0; i < Values.Length; i++)
            {
                json.Append(i == 0 ? "" : ",");
                Values[i].Write(json, raw);
            }

            json.Append(']');
        }

        public override void Write(ref MessagePackWriter writer)
        {
            writer.WriteArrayHeader(Values.Length);
            foreach (var value in Values)
            {
                value.Write(ref writer);
            }
        }
    }

    public sealed record Map(string Key, FuzzValue Value) : FuzzValue
    {
        public override bool HasBadUtf8 => Value.HasBadUtf8;

        public override void Write(StringBuilder json, List<byte> raw)
        {
            json.Append('{').Append(System.Text.Json.JsonSerializer.Serialize(Key)).Append(':');
            Value.Write(json, raw);
            json.Append('}');
        }

        public override void Write(ref MessagePackWriter writer)
        {
            writer.WriteMapHeader(1);
            writer.Write(Key);
            Value.Write(ref writer);
        }
    }
}
