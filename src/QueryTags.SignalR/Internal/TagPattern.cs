using System.Globalization;
using System.Security.Claims;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The pattern of an authorization rule: literal segments, placeholders <c>"{claim}"</c> that stand for the user's
/// values of that claim, and wildcards <c>"{*}"</c> that stand for any string or integer. It covers every tag that
/// starts with it.
/// </summary>
internal sealed class TagPattern
{
    private const string Wildcard = "*";

    private readonly Tag _pattern;

    // Position → claim type, for the segments written "{claim}", or the wildcard's "*".
    private readonly (int Position, string ClaimType)[] _placeholders;

    public TagPattern(Tag pattern)
    {
        if (pattern.Count == 0)
        {
            throw new ArgumentException("An authorization pattern needs at least one segment, such as [\"user\", \"{sub}\"].", nameof(pattern));
        }

        _pattern = pattern;
        var placeholders = new List<(int, string)>();
        for (var i = 0; i < pattern.Count; i++)
        {
            if (pattern[i] is { Kind: TagSegmentKind.String, StringValue: ['{', .., '}'] text })
            {
                var claimType = text[1..^1];
                if (string.IsNullOrWhiteSpace(claimType))
                {
                    throw new ArgumentException($"The placeholder in segment {i} of the pattern {pattern} names no claim; write it as \"{{claim}}\", such as \"{{sub}}\".", nameof(pattern));
                }

                placeholders.Add((i, claimType));
            }
        }

        _placeholders = [.. placeholders];
    }

    /// <summary>The pattern as written, placeholders included, such as <c>["user","{sub}"]</c>.</summary>
    public string Text => _pattern.Canonical;

    public int Length => _pattern.Count;

    /// <summary>True when <paramref name="tag"/> starts with the pattern: equal literal segments, and a string or integer wherever a placeholder stands.</summary>
    public bool Covers(Tag tag)
    {
        if (tag.Count < _pattern.Count)
        {
            return false;
        }

        var placeholder = 0;
        for (var i = 0; i < _pattern.Count; i++)
        {
            if (placeholder < _placeholders.Length && _placeholders[placeholder].Position == i)
            {
                placeholder++;
                if (tag[i].Kind == TagSegmentKind.Boolean)
                {
                    return false;
                }
            }
            else if (!tag[i].Equals(_pattern[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every placeholder's segment of <paramref name="tag"/> equals one of the user's values of its claim (wildcards match any).</summary>
    public bool MatchesClaims(Tag tag, ClaimsPrincipal user)
    {
        foreach (var (position, claimType) in _placeholders)
        {
            if (claimType == Wildcard)
            {
                continue;
            }

            var segment = tag[position];
            if (!user.FindAll(claimType).Any(claim => Equals(segment, claim.Value)))
            {
                return false;
            }
        }

        return true;
    }

    // A claim is text; an integer segment matches its decimal text.
    private static bool Equals(TagSegment segment, string claim) => segment.Kind switch
    {
        TagSegmentKind.String => string.Equals(segment.StringValue, claim, StringComparison.Ordinal),
        TagSegmentKind.Integer => long.TryParse(claim, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value == segment.IntegerValue,
        _ => false,
    };
}
