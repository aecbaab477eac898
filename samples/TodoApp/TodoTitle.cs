using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace TodoApp;

/// <summary>
/// The rules of a todo's title, checked before anything is written. A title is counted in the characters a person
/// sees: text elements (extended grapheme clusters, <see cref="StringInfo"/>), so an emoji, a flag or a letter with
/// its accent is one, however many UTF-16 code units it takes. Characters that show nothing (spaces, zero-width
/// spaces and joiners, direction marks, fillers) are trimmed from both ends, and a title of nothing else is empty.
/// </summary>
public static class TodoTitle
{
    /// <summary>The most characters a title may have, as a person counts them.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// The most UTF-16 code units a title may take: one character may stack any number of combining marks, so the
    /// count of characters alone does not bound what is stored. Sixteen times <see cref="MaxLength"/> leaves room for
    /// 200 of the longest emoji sequences in common use (a family is 11 code units, a subdivision flag 14).
    /// </summary>
    public const int MaxStoredLength = 16 * MaxLength;

    /// <summary>
    /// Trims <paramref name="title"/> of what shows nothing at either end, and checks that something is left and that
    /// it is neither longer than <see cref="MaxLength"/> characters nor <see cref="MaxStoredLength"/> code units. On
    /// failure, <paramref name="errors"/> names the field, for <c>TypedResults.ValidationProblem</c>.
    /// </summary>
    public static bool TryNormalize(
        string? title,
        out string normalized,
        [NotNullWhen(false)] out Dictionary<string, string[]>? errors)
    {
        normalized = Trim(title ?? "", out var characters);
        var error = characters switch
        {
            0 => "The title must not be empty: spaces and characters that show nothing (such as zero-width spaces) do not count.",
            > MaxLength => $"The title must be at most {MaxLength} characters long, counted as they are seen (an emoji or a letter with its accent is one); it has {characters}.",
            _ when normalized.Length > MaxStoredLength =>
                $"The title is too long to store: its characters take {normalized.Length} UTF-16 code units, and at most {MaxStoredLength} are kept (combining marks and emoji sequences take several each).",
            _ => null,
        };
        errors = error is null ? null : new() { ["title"] = [error] };
        return error is null;
    }

    /// <summary>The title without the characters at either end that show nothing; <paramref name="characters"/> counts what is left.</summary>
    private static string Trim(string title, out int characters)
    {
        var elements = new List<Range>();
        for (var start = 0; start < title.Length;)
        {
            var length = StringInfo.GetNextTextElementLength(title.AsSpan(start));
            elements.Add(start..(start + length));
            start += length;
        }

        var first = 0;
        var last = elements.Count - 1;
        while (first <= last && ShowsNothing(title.AsSpan(elements[first])))
        {
            first++;
        }

        while (last >= first && ShowsNothing(title.AsSpan(elements[last])))
        {
            last--;
        }

        characters = last - first + 1;
        return characters == 0 ? "" : title[elements[first].Start..elements[last].End];
    }

    /// <summary>
    /// True when every code point of the character is invisible: white space, a control character, a
    /// default-ignorable code point (what Unicode says renders as nothing: zero-width spaces and joiners, direction
    /// marks, variation selectors, Hangul fillers, tag characters, ...), or the Braille blank. A character that also
    /// holds a visible code point, such as a flag with its tag characters or a heart with its variation selector, shows.
    /// </summary>
    private static bool ShowsNothing(ReadOnlySpan<char> character)
    {
        foreach (var rune in character.EnumerateRunes())
        {
            if (!(Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) || IsDefaultIgnorable(rune.Value) || rune.Value == BrailleBlank))
            {
                return false;
            }
        }

        return true;
    }

    private const int BrailleBlank = 0x2800;

    // Default_Ignorable_Code_Point, from Unicode's DerivedCoreProperties.txt.
    private static bool IsDefaultIgnorable(int value) => value
        is 0x00AD or 0x034F or 0x061C or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or (>= 0x180B and <= 0x180F)
        or (>= 0x200B and <= 0x200F) or (>= 0x202A and <= 0x202E) or (>= 0x2060 and <= 0x206F) or 0x3164
        or (>= 0xFE00 and <= 0xFE0F) or 0xFEFF or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8) or (>= 0x1BCA0 and <= 0x1BCA3)
        or (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE0FFF);
}
