using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>
/// An immutable tag: a non-empty list of string, integer or boolean segments, such as <c>["todo", 5]</c>.
/// Equal tags have equal <see cref="Canonical"/> forms (compact JSON, identical to the TypeScript client's);
/// equality and hashing use it. An invalidation tag matches every held tag it is a prefix of.
/// </summary>
/// <remarks>
/// Size limits are options of the server (<see cref="TagLimits"/>), so they are checked where a tag enters
/// the system, not here.
/// </remarks>
[CollectionBuilder(typeof(Tag), nameof(Create))]
[JsonConverter(typeof(TagJsonConverter))]
[MessagePackFormatter(typeof(TagMessagePackFormatter))]
public readonly struct Tag : IEquatable<Tag>, IReadOnlyList<TagSegment>
{
    private readonly TagSegment[]? _segments;
    private readonly string? _canonical;

    // End offset in _canonical of each segment, so a prefix's canonical form is a substring plus ']'.
    private readonly int[]? _segmentEnds;

    /// <summary>Always throws: a tag needs at least one segment. <c>default(Tag)</c> is the empty value.</summary>
    /// <exception cref="ArgumentException">Always.</exception>
    /// <remarks>
    /// Without it, <c>new Tag()</c> on a struct is the zeroed value, not a call of the params constructor, and
    /// would give an empty tag silently.
    /// </remarks>
    public Tag()
        : this(ReadOnlySpan<TagSegment>.Empty)
    {
    }

    /// <summary>Creates a tag from its segments.</summary>
    /// <exception cref="ArgumentException">No segments were given.</exception>
    public Tag(params TagSegment[] segments)
        : this(segments.AsSpan())
    {
    }

    private Tag(ReadOnlySpan<TagSegment> segments)
    {
        if (segments.IsEmpty)
        {
            throw new ArgumentException(TagRules.Describe(TagRules.Empty), nameof(segments));
        }

        _segments = segments.ToArray();
        _segmentEnds = new int[_segments.Length];
        var builder = new StringBuilder("[");
        for (var i = 0; i < _segments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            _segments[i].AppendCanonical(builder);
            _segmentEnds[i] = builder.Length;
        }

        _canonical = builder.Append(']').ToString();
    }

    /// <summary>Creates a tag; the target of collection expressions such as <c>Tag t = ["todo", 5];</c>.</summary>
    public static Tag Create(ReadOnlySpan<TagSegment> segments) => new(segments);

    /// <summary>The canonical form: the compact JSON text of the segments, such as <c>["todo",5]</c>.</summary>
    public string Canonical => _canonical ?? "[]";

    /// <summary>The number of segments.</summary>
    public int Count => _segments?.Length ?? 0;

    /// <summary>The segment at <paramref name="index"/>.</summary>
    public TagSegment this[int index] => (_segments ?? [])[index];

    /// <summary>Parses a tag from its JSON text, such as <c>["todo",5]</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid tag; the message names the rule.</exception>
    public static Tag Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        System.Text.Json.JsonDocument document;
        try
        {
            document = System.Text.Json.JsonDocument.Parse(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException($"Not a tag: {json} is not JSON ({ex.Message}).", ex);
        }

        // The tag copies what it needs, so the document's pooled buffers go back at once.
        using (document)
        {
            var result = TagReader.Read(document.RootElement);
            return result.Tag ?? throw new FormatException($"Not a tag: {json}: {result.Reason} ({result.Rule}).");
        }
    }

    /// <summary>The tag made of the first <paramref name="length"/> segments.</summary>
    public Tag Prefix(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Count);
        return length == Count ? this : new Tag(_segments.AsSpan(0, length));
    }

    /// <summary>The canonical form of the first <paramref name="length"/> segments, without building that tag (see <see cref="TagPrefixes"/>).</summary>
    internal string PrefixCanonical(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Count);
        return length == Count ? Canonical : string.Concat(_canonical.AsSpan(0, _segmentEnds![length - 1]), "]");
    }

    /// <summary>
    /// True when this tag, used to invalidate, matches <paramref name="held"/>: it is a segment-wise,
    /// type-sensitive prefix of it (or equal to it).
    /// </summary>
    public bool Matches(Tag held)
    {
        if (Count == 0 || Count > held.Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (!_segments![i].Equals(held._segments![i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(Tag other) => string.Equals(Canonical, other.Canonical, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Tag other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Canonical);

    /// <summary>The canonical form.</summary>
    public override string ToString() => Canonical;

    /// <inheritdoc />
    public IEnumerator<TagSegment> GetEnumerator() => ((IEnumerable<TagSegment>)(_segments ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Equality by canonical form.</summary>
    public static bool operator ==(Tag left, Tag right) => left.Equals(right);

    /// <summary>Inequality by canonical form.</summary>
    public static bool operator !=(Tag left, Tag right) => !left.Equals(right);
}
