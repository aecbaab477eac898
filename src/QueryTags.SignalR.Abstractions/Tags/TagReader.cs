using System.Globalization;
using System.Text.Json;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>
/// Reads tags from untrusted input without throwing: a JSON element (JSON protocol, HTTP bodies) or the
/// object graph MessagePack produces for an <c>object</c> argument. Every failure names the rule it broke;
/// the segment rules themselves are <see cref="TagSegmentReader"/>'s.
/// </summary>
internal static class TagReader
{
    public static TagReadResult Read(JsonElement element, TagLimits? limits = null)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return TagReadResult.Fail(TagRules.NotAnArray, $"got a JSON {Kind(element)}");
        }

        if (!TagSegmentReader.TryStart(element.GetArrayLength(), limits ?? TagLimits.Default, out var reader))
        {
            return reader.Rejection;
        }

        foreach (var item in element.EnumerateArray())
        {
            var added = item.ValueKind switch
            {
                JsonValueKind.String => reader.AddString(StringOf(item)),
                JsonValueKind.Number => AddNumber(ref reader, item),
                JsonValueKind.True or JsonValueKind.False => reader.AddBoolean(item.GetBoolean()),
                _ => reader.RefuseSegment(TagRules.SegmentType, $"a JSON {Kind(item)}"),
            };
            if (!added)
            {
                return reader.Rejection;
            }
        }

        return reader.Finish();
    }

    /// <summary>Reads a tag kept as MessagePack bytes; a string that is not UTF-8 is refused as <c>invalid-string</c>.</summary>
    public static TagReadResult Read(MessagePackValue value, TagLimits? limits = null)
    {
        try
        {
            var reader = new MessagePackReader(value.Bytes);
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                return TagReadResult.Fail(TagRules.NotAnArray, $"got a MessagePack {MessagePackSegments.Kind(ref reader)}");
            }

            if (!TagSegmentReader.TryStart(reader.ReadArrayHeader(), limits ?? TagLimits.Default, out var segments))
            {
                return segments.Rejection;
            }

            while (!segments.IsComplete)
            {
                if (!MessagePackSegments.Add(ref reader, ref segments))
                {
                    return segments.Rejection;
                }
            }

            return segments.Finish();
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            // The value's extent was read once already, so this is a value MessagePack itself refuses to read as typed.
            return TagReadResult.Fail(TagRules.SegmentType, "a MessagePack value that cannot be read");
        }
    }

    /// <summary>
    /// Reads what a client sent as a tag: a JSON element (JSON protocol, HTTP bodies), MessagePack bytes
    /// (<see cref="MessagePackValue"/>), or the object graph of MessagePack's primitive formatter (arrays as object[]).
    /// </summary>
    public static TagReadResult Read(object? value, TagLimits? limits = null)
    {
        if (value is JsonElement element)
        {
            return Read(element, limits);
        }

        if (value is MessagePackValue bytes)
        {
            return Read(bytes, limits);
        }

        if (value is not object?[] items)
        {
            return TagReadResult.Fail(TagRules.NotAnArray, $"got {Describe(value)}");
        }

        if (!TagSegmentReader.TryStart(items.Length, limits ?? TagLimits.Default, out var reader))
        {
            return reader.Rejection;
        }

        foreach (var item in items)
        {
            var added = item switch
            {
                string text => reader.AddString(text),
                bool flag => reader.AddBoolean(flag),
                ulong unsigned => reader.AddInteger(unsigned),
                sbyte or byte or short or ushort or int or uint or long => reader.AddInteger(Convert.ToInt64(item, CultureInfo.InvariantCulture)),
                _ => reader.RefuseSegment(TagRules.SegmentType, Describe(item)),
            };
            if (!added)
            {
                return reader.Rejection;
            }
        }

        return reader.Finish();
    }

    // JSON has one number type: a fraction or an exponent makes it a float, whatever its value.
    private static bool AddNumber(ref TagSegmentReader reader, JsonElement item)
    {
        var raw = item.GetRawText();
        if (raw.AsSpan().IndexOfAny(".eE") >= 0)
        {
            return reader.RefuseSegment(TagRules.SegmentType, $"the number {raw}, not an integer");
        }

        return item.TryGetInt64(out var integer) ? reader.AddInteger(integer) : reader.RefuseSegment(TagRules.IntegerRange, raw);
    }

    // A string with an unpaired surrogate escape cannot be decoded: null, which the reader refuses as invalid-string.
    private static string? StringOf(JsonElement item)
    {
        try
        {
            return item.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static string Describe(object? value) => value switch
    {
        null => "null",
        float or double or decimal => $"the number {Convert.ToString(value, CultureInfo.InvariantCulture)}, not an integer",
        string => "a string",
        System.Collections.IDictionary => "a map (object)",
        _ => $"a {value.GetType().Name}",
    };
}
