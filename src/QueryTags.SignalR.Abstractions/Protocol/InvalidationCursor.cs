using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace QueryTags.SignalR;

/// <summary>
/// A position in the invalidation log, written <c>epoch:sequence</c>. The epoch changes whenever the log is
/// lost (a restart of an in-memory log), so a cursor from another epoch cannot be answered exactly.
/// </summary>
/// <param name="Epoch">The log's identity; never contains ':'.</param>
/// <param name="Sequence">The number of invalidations the log had recorded at this position.</param>
public readonly record struct InvalidationCursor(string Epoch, long Sequence)
{
    /// <summary>Parses <c>epoch:sequence</c>.</summary>
    /// <exception cref="FormatException">The text is not a cursor.</exception>
    public static InvalidationCursor Parse(string text) =>
        TryParse(text, out var cursor) ? cursor : throw new FormatException($"Not a cursor: '{text}' (expected 'epoch:sequence').");

    /// <summary>Parses <c>epoch:sequence</c>; false when the text is not a cursor.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out InvalidationCursor cursor)
    {
        cursor = default;
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
}
