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
/// <para>
/// Size limits are options of the server (<see cref="TagLimits"/>), so they are checked where a tag enters
/// the system, not here.
/// </para>
/// <para>
/// <c>default(Tag)</c> is the one invalid value a tag can hold (every constructor and reader needs a segment). As
/// with <c>ImmutableArray&lt;T&gt;</c>, it is told by <see cref="IsDefault"/>, its <see cref="Count"/> is 0, and
/// every member that reads its segments or its text throws <see cref="InvalidOperationException"/>: so the tag
/// checks itself, once, and no code that uses tags checks them again.
/// </para>
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
    /// <exception cref="InvalidOperationException">The tag is <c>default(Tag)</c>.</exception>
    public string Canonical => _canonical ?? throw DefaultTagException();

    /// <summary>The number of segments; 0 for <c>default(Tag)</c> only, which a reader of tags refuses by the rule <c>empty</c>.</summary>
    public int Count => _segments?.Length ?? 0;

    /// <summary>True for <c>default(Tag)</c>, the one invalid tag: every constructor and reader needs a segment.</summary>
    public bool IsDefault => _segments is null;

    /// <summary>The segment at <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The tag is <c>default(Tag)</c>.</exception>
    public TagSegment this[int index] => Segments[index];

    // The one check of a default tag: every member that reads the segments goes through it.
    private TagSegment[] Segments => _segments ?? throw DefaultTagException();

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
            return result.Tag ?? throw new FormatException(result.NotATag(json));
        }
    }

    /// <summary>The tag made of the first <paramref name="length"/> segments.</summary>
    /// <exception cref="InvalidOperationException">The tag is <c>default(Tag)</c>.</exception>
    public Tag Prefix(int length)
    {
        var segments = Segments;
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, segments.Length);
        return length == segments.Length ? this : new Tag(segments.AsSpan(0, length));
    }

    /// <summary>The canonical form of the first <paramref name="length"/> segments, without building that tag (see <see cref="TagPrefixes"/>).</summary>
    internal string PrefixCanonical(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Count);
        return length == Count ? Canonical : string.Concat(Canonical.AsSpan(0, _segmentEnds![length - 1]), "]");
    }

    /// <summary>
    /// True when this tag, used to invalidate, matches <paramref name="held"/>: it is a segment-wise,
    /// type-sensitive prefix of it (or equal to it).
    /// </summary>
    /// <exception cref="InvalidOperationException">Either tag is <c>default(Tag)</c>.</exception>
    public bool Matches(Tag held)
    {
        var segments = Segments;
        var heldSegments = held.Segments;
        if (segments.Length > heldSegments.Length)
        {
            return false;
        }

        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].Equals(heldSegments[i]))
            {
                return false;
            }
        }

        return true;
    }

    // Equality, hashing and text never throw, so a default tag can still be compared, logged and shown in a debugger.

    /// <inheritdoc />
    public bool Equals(Tag other) => string.Equals(_canonical, other._canonical, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Tag other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _canonical is null ? 0 : StringComparer.Ordinal.GetHashCode(_canonical);

    /// <summary>The canonical form; <c>[]</c> for <c>default(Tag)</c>.</summary>
    public override string ToString() => _canonical ?? "[]";

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The tag is <c>default(Tag)</c>.</exception>
    public IEnumerator<TagSegment> GetEnumerator() => ((IEnumerable<TagSegment>)Segments).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static InvalidOperationException DefaultTagException() =>
        new(TagRules.Broken("default(Tag)", TagRules.Empty, TagRules.Describe(TagRules.Empty)) + "; build a tag from its segments, such as [\"todo\", 5].");

    /// <summary>Equality by canonical form.</summary>
    public static bool operator ==(Tag left, Tag right) => left.Equals(right);

    /// <summary>Inequality by canonical form.</summary>
    public static bool operator !=(Tag left, Tag right) => !left.Equals(right);
}
