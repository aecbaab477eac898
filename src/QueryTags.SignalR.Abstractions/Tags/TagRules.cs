namespace QueryTags.SignalR;

/// <summary>
/// The names of the rules a tag or a subscribe call can break. They appear in <see cref="TagRejection.Rule"/>,
/// in exception messages and in <c>tests/vectors/tags.json</c>, identical in C# and TypeScript.
/// </summary>
public static class TagRules
{
    /// <summary>A tag must be an array of segments.</summary>
    public const string NotAnArray = "not-an-array";

    /// <summary>A tag needs at least one segment.</summary>
    public const string Empty = "empty";

    /// <summary>A tag has more segments than the limit.</summary>
    public const string TooManySegments = "too-many-segments";

    /// <summary>A string segment is longer than the limit.</summary>
    public const string SegmentTooLong = "segment-too-long";

    /// <summary>A segment is not a string, an integer or a boolean (a float, null, an object, an array).</summary>
    public const string SegmentType = "segment-type";

    /// <summary>An integer segment is outside ±(2^53 - 1), the range a JavaScript number holds exactly.</summary>
    public const string IntegerRange = "integer-range";

    /// <summary>A string segment is not well-formed: an unpaired surrogate, or bytes that are not UTF-8.</summary>
    public const string InvalidString = "invalid-string";

    /// <summary>A sentence that explains a rule, for error messages.</summary>
    public static string Describe(string rule) => rule switch
    {
        NotAnArray => "a tag must be an array of segments",
        Empty => "a tag needs at least one segment",
        TooManySegments => "a tag has more segments than allowed",
        SegmentTooLong => "a string segment is longer than allowed",
        SegmentType => "a segment must be a string, an integer or a boolean",
        IntegerRange => $"an integer segment must lie within ±{TagSegment.MaxInteger} (what a JavaScript number holds exactly)",
        InvalidString => "a string segment must be well-formed Unicode (no unpaired surrogate, no invalid UTF-8)",
        TooManyTagsHeld => "the connection already holds the most distinct tags it may",
        TooManyGroups => "the connection would be in more prefix groups than it may",
        TooMuchTagText => "the connection would keep more tag text than it may",
        TooManyTagsPerCall => "one call carries more tags than allowed",
        Forbidden => "the connection may not hold the tag",
        _ => rule,
    };

    /// <summary>
    /// The one sentence that names a broken rule, as errors and refusals write it:
    /// <c>{subject} breaks rule {rule}: {reason}</c>, such as <c>Tag 0 ["todo",""] breaks rule ...: ...</c>.
    /// </summary>
    internal static string Broken(string subject, string rule, string reason) => $"{subject} breaks rule {rule}: {reason}";

    // What a connection may hold and what one call may carry; the rules above are about a tag on its own.

    /// <summary>The connection already holds the most distinct tags it may.</summary>
    public const string TooManyTagsHeld = "too-many-tags-held";

    /// <summary>
    /// Holding the tag would put the connection in more prefix groups than its budget allows: each group costs the
    /// server memory (and a Redis channel with the Redis backplane).
    /// </summary>
    public const string TooManyGroups = "too-many-groups";

    /// <summary>
    /// Holding the tag would make the server keep more tag text for the connection (the text of its held tags and of
    /// its groups' prefixes) than its budget allows.
    /// </summary>
    public const string TooMuchTagText = "too-much-tag-text";

    /// <summary>One call carried more tags than the per-call limit.</summary>
    public const string TooManyTagsPerCall = "too-many-tags-per-call";

    /// <summary>The connection may not hold the tag: an authorization rule refused it, or none allowed it.</summary>
    public const string Forbidden = "forbidden";
}
