namespace QueryTags.SignalR;

/// <summary>The size limits a tag is checked against. The defaults are the server's defaults.</summary>
public sealed record TagLimits
{
    /// <summary>The default limits: 8 segments per tag, 128 characters per string segment.</summary>
    public static TagLimits Default { get; } = new();

    // Structure only: what serializers use, since the server that sent a tag already applied its own limits.
    internal static TagLimits Unlimited { get; } = new() { MaxSegments = int.MaxValue, MaxSegmentLength = int.MaxValue };

    /// <summary>Most segments in one tag. Default 8.</summary>
    public int MaxSegments { get; init; } = 8;

    /// <summary>Most UTF-16 code units in one string segment (JavaScript's <c>length</c>). Default 128.</summary>
    public int MaxSegmentLength { get; init; } = 128;

    /// <summary>The rule <paramref name="tag"/> breaks with a message that names it, or null when it is within the limits.</summary>
    public TagRejectionReason? Check(Tag tag)
    {
        if (tag.Count > MaxSegments)
        {
            return new(TagRules.TooManySegments, $"{TagRules.Describe(TagRules.TooManySegments)}: {tag.Count} segments, at most {MaxSegments}");
        }

        for (var i = 0; i < tag.Count; i++)
        {
            var segment = tag[i];
            if (segment.Kind == TagSegmentKind.String && segment.StringValue.Length > MaxSegmentLength)
            {
                return new(TagRules.SegmentTooLong, $"{TagRules.Describe(TagRules.SegmentTooLong)}: segment {i} has {segment.StringValue.Length} characters, at most {MaxSegmentLength}");
            }
        }

        return null;
    }
}
