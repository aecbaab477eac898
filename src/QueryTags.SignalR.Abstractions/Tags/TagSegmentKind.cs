namespace QueryTags.SignalR;

/// <summary>The type of a <see cref="TagSegment"/>. Matching is type-sensitive: <c>5</c> is not <c>"5"</c>.</summary>
public enum TagSegmentKind
{
    /// <summary>A string segment.</summary>
    String,

    /// <summary>An integer segment, within the range a JavaScript number holds exactly.</summary>
    Integer,

    /// <summary>A boolean segment.</summary>
    Boolean,
}
