using System.Text;

namespace QueryTags.SignalR;

/// <summary>
/// One segment of a <see cref="Tag"/>: a string, an integer or a boolean.
/// Implicit conversions let tags be written as <c>["todo", id]</c>.
/// </summary>
public readonly struct TagSegment : IEquatable<TagSegment>
{
    /// <summary>The largest integer a segment may hold: 2^53 - 1, so JavaScript clients read it exactly.</summary>
    public const long MaxInteger = 9_007_199_254_740_991;

    /// <summary>The smallest integer a segment may hold: -(2^53 - 1).</summary>
    public const long MinInteger = -MaxInteger;

    private readonly string? _string;
    private readonly long _integer;

    private TagSegment(TagSegmentKind kind, string? text, long integer)
    {
        Kind = kind;
        _string = text;
        _integer = integer;
    }

    /// <summary>The type of this segment.</summary>
    public TagSegmentKind Kind { get; }

    /// <summary>The string value; throws when <see cref="Kind"/> is not <see cref="TagSegmentKind.String"/>.</summary>
    public string StringValue => Kind == TagSegmentKind.String ? _string! : throw WrongKind(TagSegmentKind.String);

    /// <summary>The integer value; throws when <see cref="Kind"/> is not <see cref="TagSegmentKind.Integer"/>.</summary>
    public long IntegerValue => Kind == TagSegmentKind.Integer ? _integer : throw WrongKind(TagSegmentKind.Integer);

    /// <summary>The boolean value; throws when <see cref="Kind"/> is not <see cref="TagSegmentKind.Boolean"/>.</summary>
    public bool BooleanValue => Kind == TagSegmentKind.Boolean ? _integer != 0 : throw WrongKind(TagSegmentKind.Boolean);

    /// <summary>Creates a string segment.</summary>
    /// <exception cref="ArgumentException">The text holds an unpaired surrogate, which UTF-8 cannot carry.</exception>
    public static TagSegment FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!TagText.IsWellFormed(value))
        {
            throw new ArgumentException(TagRules.Describe(TagRules.InvalidString), nameof(value));
        }

        return new TagSegment(TagSegmentKind.String, value, 0);
    }

    /// <summary>Creates an integer segment.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [<see cref="MinInteger"/>, <see cref="MaxInteger"/>].</exception>
    public static TagSegment FromInteger(long value)
    {
        if (value is < MinInteger or > MaxInteger)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, TagRules.Describe(TagRules.IntegerRange));
        }

        return new TagSegment(TagSegmentKind.Integer, null, value);
    }

    /// <summary>Creates a boolean segment.</summary>
    public static TagSegment FromBoolean(bool value) => new(TagSegmentKind.Boolean, null, value ? 1 : 0);

    /// <summary>Converts a string to a segment.</summary>
    public static implicit operator TagSegment(string value) => FromString(value);

    /// <summary>Converts an integer to a segment.</summary>
    public static implicit operator TagSegment(long value) => FromInteger(value);

    /// <summary>Converts an integer to a segment.</summary>
    public static implicit operator TagSegment(int value) => FromInteger(value);

    /// <summary>Converts a boolean to a segment.</summary>
    public static implicit operator TagSegment(bool value) => FromBoolean(value);

    /// <inheritdoc />
    public bool Equals(TagSegment other) =>
        Kind == other.Kind && _integer == other._integer && string.Equals(_string, other._string, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TagSegment other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _string is null ? 0 : StringComparer.Ordinal.GetHashCode(_string));

    /// <summary>The segment as compact JSON, as it appears in a tag's canonical form.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendCanonical(builder);
        return builder.ToString();
    }

    /// <summary>Equality of kind and value.</summary>
    public static bool operator ==(TagSegment left, TagSegment right) => left.Equals(right);

    /// <summary>Inequality of kind or value.</summary>
    public static bool operator !=(TagSegment left, TagSegment right) => !left.Equals(right);

    internal void AppendCanonical(StringBuilder builder)
    {
        switch (Kind)
        {
            case TagSegmentKind.String:
                TagText.AppendJsonString(builder, _string!);
                break;
            case TagSegmentKind.Integer:
                builder.Append(_integer.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append(_integer != 0 ? "true" : "false");
                break;
        }
    }

    private InvalidOperationException WrongKind(TagSegmentKind wanted) =>
        new($"This tag segment is a {Kind}, not a {wanted}.");
}
