using System.Text.Json;

namespace QueryTags.SignalR;

/// <summary>
/// Reads tags from untrusted input without throwing: a JSON element (JSON protocol, HTTP bodies) or the
/// object graph MessagePack produces for an <c>object</c> argument. Every failure names the rule it broke.
/// </summary>
internal static class TagReader
{
    public static TagReadResult Read(JsonElement element, TagLimits? limits = null)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return TagReadResult.Fail(TagRules.NotAnArray, $"got a JSON {element.ValueKind.ToString().ToLowerInvariant()}");
        }

        var count = element.GetArrayLength();
        if (count == 0)
        {
            return TagReadResult.Fail(TagRules.Empty);
        }

        // Checked before reading segments, so a huge array is refused without building it.
        limits ??= TagLimits.Default;
        if (count > limits.MaxSegments)
        {
            return TagReadResult.Fail(TagRules.TooManySegments, $"{count} segments, at most {limits.MaxSegments}");
        }

        var segments = new TagSegment[count];
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    string text;
                    try
                    {
                        text = item.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        return TagReadResult.Fail(TagRules.InvalidString, $"segment {index}");
                    }

                    var stringResult = FromString(text, index);
                    if (stringResult.Rejection is not null)
                    {
                        return new TagReadResult(null, stringResult.Rejection);
                    }

                    segments[index] = stringResult.Segment;
                    break;
                case JsonValueKind.Number:
                    // JSON has one number type: a fraction or an exponent makes it a float, whatever its value.
                    var raw = item.GetRawText();
                    if (raw.AsSpan().IndexOfAny(".eE") >= 0)
                    {
                        return TagReadResult.Fail(TagRules.SegmentType, $"segment {index} is the number {raw}, not an integer");
                    }

                    if (!item.TryGetInt64(out var integer) || integer is < TagSegment.MinInteger or > TagSegment.MaxInteger)
                    {
                        return TagReadResult.Fail(TagRules.IntegerRange, $"segment {index} is {raw}");
                    }

                    segments[index] = TagSegment.FromInteger(integer);
                    break;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    segments[index] = TagSegment.FromBoolean(item.GetBoolean());
                    break;
                default:
                    return TagReadResult.Fail(TagRules.SegmentType, $"segment {index} is a JSON {item.ValueKind.ToString().ToLowerInvariant()}");
            }

            index++;
        }

        return Finish(segments, limits);
    }

    /// <summary>Reads the object graph of MessagePack's primitive formatter (arrays as object[]).</summary>
    public static TagReadResult Read(object? value, TagLimits? limits = null)
    {
        if (value is JsonElement element)
        {
            return Read(element, limits);
        }

        if (value is not object?[] items)
        {
            return TagReadResult.Fail(TagRules.NotAnArray, $"got {Describe(value)}");
        }

        if (items.Length == 0)
        {
            return TagReadResult.Fail(TagRules.Empty);
        }

        limits ??= TagLimits.Default;
        if (items.Length > limits.MaxSegments)
        {
            return TagReadResult.Fail(TagRules.TooManySegments, $"{items.Length} segments, at most {limits.MaxSegments}");
        }

        var segments = new TagSegment[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            switch (items[i])
            {
                case string text:
                    var stringResult = FromString(text, i);
                    if (stringResult.Rejection is not null)
                    {
                        return new TagReadResult(null, stringResult.Rejection);
                    }

                    segments[i] = stringResult.Segment;
                    break;
                case bool flag:
                    segments[i] = TagSegment.FromBoolean(flag);
                    break;
                case sbyte or byte or short or ushort or int or uint or long:
                    var integer = Convert.ToInt64(items[i], System.Globalization.CultureInfo.InvariantCulture);
                    if (integer is < TagSegment.MinInteger or > TagSegment.MaxInteger)
                    {
                        return TagReadResult.Fail(TagRules.IntegerRange, $"segment {i} is {integer}");
                    }

                    segments[i] = TagSegment.FromInteger(integer);
                    break;
                case ulong unsigned:
                    // Writers code a positive integer past uint32 as uint64, which MessagePack reads as ulong.
                    if (unsigned > TagSegment.MaxInteger)
                    {
                        return TagReadResult.Fail(TagRules.IntegerRange, $"segment {i} is {unsigned}");
                    }

                    segments[i] = TagSegment.FromInteger((long)unsigned);
                    break;
                default:
                    return TagReadResult.Fail(TagRules.SegmentType, $"segment {i} is {Describe(items[i])}");
            }
        }

        return Finish(segments, limits);
    }

    private static (TagSegment Segment, TagRejectionReason? Rejection) FromString(string text, int index)
    {
        if (!TagText.IsWellFormed(text))
        {
            return (default, TagReadResult.Fail(TagRules.InvalidString, $"segment {index}").Rejection);
        }

        return (TagSegment.FromString(text), null);
    }

    private static TagReadResult Finish(TagSegment[] segments, TagLimits limits)
    {
        var tag = Tag.Create(segments);
        var rejection = limits.Check(tag);
        return rejection is null ? new TagReadResult(tag, null) : new TagReadResult(null, rejection);
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        float or double or decimal => $"the number {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}, not an integer",
        string => "a string",
        System.Collections.IDictionary => "a map (object)",
        _ => $"a {value.GetType().Name}",
    };
}
