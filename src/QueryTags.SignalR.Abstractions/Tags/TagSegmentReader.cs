namespace QueryTags.SignalR;

/// <summary>
/// Builds a tag segment by segment and checks every segment rule on the way: the one implementation of those
/// rules, whatever the input. The JSON reader, the MessagePack object-graph reader, the MessagePack formatter and
/// <see cref="TagLimits.Check"/> only map what they hold to these calls.
/// </summary>
/// <remarks>A method that returns false has set <see cref="Rejection"/>; the reader is then done.</remarks>
internal struct TagSegmentReader
{
    private readonly TagSegment[] _segments;
    private readonly TagLimits _limits;
    private int _index;

    private TagSegmentReader(int count, TagLimits limits)
    {
        _segments = new TagSegment[count];
        _limits = limits;
    }

    /// <summary>True once every segment the reader was started for is added.</summary>
    public readonly bool IsComplete => _index == _segments.Length;

    /// <summary>The rule the input broke, once a method returned false.</summary>
    public TagReadResult Rejection { get; private set; }

    /// <summary>
    /// Starts a tag of <paramref name="count"/> segments. The count is checked before any segment is read, so a
    /// huge array is refused without building it.
    /// </summary>
    public static bool TryStart(int count, TagLimits limits, out TagSegmentReader reader)
    {
        reader = default;
        if (count == 0)
        {
            reader.Rejection = TagReadResult.Fail(TagRules.Empty);
            return false;
        }

        if (count > limits.MaxSegments)
        {
            reader.Rejection = TagReadResult.Fail(TagRules.TooManySegments, $"{count} segments, at most {limits.MaxSegments}");
            return false;
        }

        reader = new TagSegmentReader(count, limits);
        return true;
    }

    /// <summary>Adds a string segment; <paramref name="text"/> is null when the input's string could not be decoded.</summary>
    public bool AddString(string? text)
    {
        if (text is null || !TagText.IsWellFormed(text))
        {
            return Refuse(TagRules.InvalidString, $"segment {_index}");
        }

        if (text.Length > _limits.MaxSegmentLength)
        {
            return Refuse(TagRules.SegmentTooLong, $"segment {_index} has {text.Length} characters, at most {_limits.MaxSegmentLength}");
        }

        return Add(TagSegment.FromString(text));
    }

    public bool AddInteger(long value) =>
        value is < TagSegment.MinInteger or > TagSegment.MaxInteger
            ? Refuse(TagRules.IntegerRange, $"segment {_index} is {value}")
            : Add(TagSegment.FromInteger(value));

    // Writers code a positive integer past uint32 as uint64, which MessagePack reads as ulong.
    public bool AddInteger(ulong value) =>
        value > TagSegment.MaxInteger ? Refuse(TagRules.IntegerRange, $"segment {_index} is {value}") : Add(TagSegment.FromInteger((long)value));

    public bool AddBoolean(bool value) => Add(TagSegment.FromBoolean(value));

    /// <summary>Adds a segment of a tag built elsewhere, checking it against the limits.</summary>
    public bool AddSegment(TagSegment segment) => segment.Kind switch
    {
        TagSegmentKind.String => AddString(segment.StringValue),
        TagSegmentKind.Integer => AddInteger(segment.IntegerValue),
        _ => AddBoolean(segment.BooleanValue),
    };

    /// <summary>Refuses the next segment as <paramref name="rule"/>; <paramref name="what"/> says what it is, such as "a JSON null".</summary>
    public bool RefuseSegment(string rule, string what) => Refuse(rule, $"segment {_index} is {what}");

    public TagReadResult Finish() => new(Tag.Create(_segments), null, null);

    private bool Add(TagSegment segment)
    {
        _segments[_index++] = segment;
        return true;
    }

    private bool Refuse(string rule, string detail)
    {
        Rejection = TagReadResult.Fail(rule, detail);
        return false;
    }
}
