using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Writes a tag as a client sent it (a JSON element or a MessagePack object graph) as short compact JSON,
/// so a rejection can show what was refused even when it is not a tag at all.
/// </summary>
internal static class RawTagText
{
    private const int MaxLength = 300;

    public static string Render(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value, depth: 0);
        return builder.Length <= MaxLength ? builder.ToString() : string.Concat(builder.ToString(0, MaxLength), "…");
    }

    private static void Append(StringBuilder builder, object? value, int depth)
    {
        if (builder.Length > MaxLength || depth > 8)
        {
            builder.Append('…');
            return;
        }

        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case JsonElement element:
                builder.Append(element.ValueKind == JsonValueKind.Undefined ? "undefined" : Compact(element));
                break;
            case MessagePackValue bytes:
                AppendMessagePack(builder, bytes);
                break;
            case string text:
                TagText.AppendJsonString(builder, text);
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case IFormattable number:
                builder.Append(number.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IDictionary map:
                AppendEach(builder, '{', Entries(map), '}', entry =>
                {
                    Append(builder, Convert.ToString(entry.Key, CultureInfo.InvariantCulture), depth + 1);
                    builder.Append(':');
                    Append(builder, entry.Value, depth + 1);
                });
                break;
            case byte[] bytes:
                builder.Append("\"<").Append(bytes.Length).Append(" bytes>\"");
                break;
            case IEnumerable items:
                AppendEach(builder, '[', items.Cast<object?>(), ']', item => Append(builder, item, depth + 1));
                break;
            default:
                builder.Append('"').Append(value.GetType().Name).Append('"');
                break;
        }
    }

    private static void AppendEach<T>(StringBuilder builder, char open, IEnumerable<T> items, char close, Action<T> append)
    {
        builder.Append(open);
        var first = true;
        foreach (var item in items)
        {
            builder.Append(first ? "" : ",");
            first = false;
            append(item);
        }

        builder.Append(close);
    }

    // IDictionary's own enumerator: a generic dictionary enumerated as IEnumerable yields key-value pairs instead.
    private static IEnumerable<DictionaryEntry> Entries(IDictionary map)
    {
        var entries = map.GetEnumerator();
        while (entries.MoveNext())
        {
            yield return entries.Entry;
        }
    }

    // Re-encoding fails on a string with an unpaired surrogate or bytes that are not UTF-8 (which the reader refuses
    // as invalid-string); the text as received still shows it, with U+FFFD for what cannot be decoded.
    private static string Compact(JsonElement element)
    {
        try
        {
            return JsonSerializer.Serialize(element);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(element));
        }
    }

    // MessagePack bytes as compact JSON, eight levels deep at most (deeper values show as …); it stops reading once the
    // text is long enough, and never recurses past that depth.
    private static void AppendMessagePack(StringBuilder builder, MessagePackValue value)
    {
        var reader = new MessagePackReader(value.Bytes);
        try
        {
            AppendMessagePack(builder, ref reader, depth: 0);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            builder.Append('…');
        }
    }

    // False once the text is long enough: the caller stops there.
    private static bool AppendMessagePack(StringBuilder builder, ref MessagePackReader reader, int depth)
    {
        if (builder.Length > MaxLength)
        {
            return false;
        }

        if (depth > 8)
        {
            builder.Append('…');
            MessagePackValue.Skip(ref reader);
            return true;
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                builder.Append("null");
                return true;
            case MessagePackType.Boolean:
                builder.Append(reader.ReadBoolean() ? "true" : "false");
                return true;
            case MessagePackType.Integer when reader.NextCode == MessagePackCode.UInt64:
                builder.Append(reader.ReadUInt64().ToString(CultureInfo.InvariantCulture));
                return true;
            case MessagePackType.Integer:
                builder.Append(reader.ReadInt64().ToString(CultureInfo.InvariantCulture));
                return true;
            case MessagePackType.Float:
                builder.Append(reader.ReadDouble().ToString(CultureInfo.InvariantCulture));
                return true;
            case MessagePackType.String:
                TagText.AppendJsonString(builder, reader.ReadString() ?? "");
                return true;
            case MessagePackType.Array or MessagePackType.Map:
                // A map's entries are its keys and values in turn: key:value,key:value.
                var map = reader.NextMessagePackType == MessagePackType.Map;
                var items = map ? 2L * reader.ReadMapHeader() : reader.ReadArrayHeader();
                builder.Append(map ? '{' : '[');
                for (var i = 0L; i < items; i++)
                {
                    builder.Append(i == 0 ? "" : map && i % 2 == 1 ? ":" : ",");
                    if (!AppendMessagePack(builder, ref reader, depth + 1))
                    {
                        return false;
                    }
                }

                builder.Append(map ? '}' : ']');
                return true;
            default:
                builder.Append("\"<").Append(reader.NextMessagePackType.ToString().ToLowerInvariant()).Append(">\"");
                reader.Skip();
                return true;
        }
    }
}
