using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

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

    // Re-encoding fails on a string with an unpaired surrogate (which the reader refuses as invalid-string);
    // the text as received still shows it.
    private static string Compact(JsonElement element)
    {
        try
        {
            return JsonSerializer.Serialize(element);
        }
        catch (JsonException)
        {
            return element.GetRawText();
        }
    }
}
