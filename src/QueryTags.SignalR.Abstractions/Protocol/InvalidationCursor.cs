using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>
/// A position in the invalidation log, written <c>epoch:sequence</c>. The epoch changes whenever the log is
/// lost (a restart of an in-memory log), so a cursor from another epoch cannot be answered exactly.
/// </summary>
/// <param name="Epoch">The log's identity; never contains ':'.</param>
/// <param name="Sequence">The number of invalidations the log had recorded at this position.</param>
/// <remarks>On the wire it is the string <c>epoch:sequence</c>, in JSON and in MessagePack.</remarks>
[JsonConverter(typeof(InvalidationCursorJsonConverter))]
[MessagePackFormatter(typeof(InvalidationCursorMessagePackFormatter))]
public readonly record struct InvalidationCursor(string Epoch, long Sequence)
{
    /// <summary>
    /// Starts the other form a subscribe's cursor may take, <c>age:milliseconds</c>: "I have no cursor; report
    /// the held tags invalidated in the last this many milliseconds". A fresh client sends its own age (plus a
    /// margin for the trip), so invalidations between its first fetches and its first subscribe are not lost.
    /// Durations need no shared clock between client and server.
    /// </summary>
    public const string AgePrefix = "age:";

    /// <summary>The <c>age:milliseconds</c> form for <paramref name="age"/>, rounded up.</summary>
    public static string ForAge(TimeSpan age) =>
        string.Concat(AgePrefix, ((long)Math.Ceiling(Math.Max(0, age.TotalMilliseconds))).ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses <c>age:milliseconds</c>; false for anything else (an <c>epoch:sequence</c> cursor included).</summary>
    public static bool TryParseAge([NotNullWhen(true)] string? text, out TimeSpan age)
    {
        age = default;
        if (text is null || !text.StartsWith(AgePrefix, StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(AgePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds > (long)TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        age = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>Parses <c>epoch:sequence</c>.</summary>
    /// <exception cref="FormatException">The text is not a cursor.</exception>
    public static InvalidationCursor Parse(string text) =>
        TryParse(text, out var cursor) ? cursor : throw new FormatException(NotACursor($"'{text}'"));

    /// <summary>Parses <c>epoch:sequence</c>; false when the text is not a cursor.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out InvalidationCursor cursor)
    {
        cursor = default;
        if (text is not null && text.StartsWith(AgePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var colon = text?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        cursor = new InvalidationCursor(text![..colon], sequence);
        return true;
    }

    /// <summary>The later of two cursors of the same epoch; <paramref name="candidate"/> when the epochs differ.</summary>
    public static InvalidationCursor Latest(InvalidationCursor? current, InvalidationCursor candidate) =>
        current is { } known && known.Epoch == candidate.Epoch && known.Sequence > candidate.Sequence ? known : candidate;

    /// <summary>The cursor as <c>epoch:sequence</c>.</summary>
    public override string ToString() => string.Concat(Epoch, ":", Sequence.ToString(CultureInfo.InvariantCulture));

    // got: the text in quotes, or what came instead of a string ("a JSON number").
    internal static string NotACursor(string got) => $"Not a cursor: {got} (expected 'epoch:sequence').";

    // What serializers write; the default value has no epoch and is no position at all.
    internal static string Text(InvalidationCursor cursor) =>
        string.IsNullOrEmpty(cursor.Epoch) ? throw new InvalidOperationException("Cannot write an empty (default) cursor.") : cursor.ToString();
}
