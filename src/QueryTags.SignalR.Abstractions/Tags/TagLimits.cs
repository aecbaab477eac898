namespace QueryTags.SignalR;

/// <summary>The size limits a tag is checked against. The defaults are the server's defaults.</summary>
internal sealed record TagLimits
{
    /// <summary>The default limits: 8 segments per tag, 128 characters per string segment.</summary>
    public static TagLimits Default { get; } = new();

    // Structure only: what serializers use, since the server that sent a tag already applied its own limits.
    internal static TagLimits Unlimited { get; } = new() { MaxSegments = int.MaxValue, MaxSegmentLength = int.MaxValue };

    /// <summary>Most segments in one tag. Default 8.</summary>
    public int MaxSegments { get; init; } = 8;

    /// <summary>Most UTF-16 code units in one string segment (JavaScript's <c>length</c>). Default 128.</summary>
    public int MaxSegmentLength { get; init; } = 128;

    /// <summary>Checks a tag built in code against the limits: the rule it breaks, or null when it is within them.</summary>
    public TagReadResult? Check(Tag tag)
    {
        if (!TagSegmentReader.TryStart(tag.Count, this, out var reader))
        {
            return reader.Rejection;
        }

        foreach (var segment in tag)
        {
            if (!reader.AddSegment(segment))
            {
                return reader.Rejection;
            }
        }

        return null;
    }
}
