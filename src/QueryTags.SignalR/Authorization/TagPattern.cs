using System.Globalization;
using System.Security.Claims;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The pattern of an authorization rule: literal segments, placeholders <c>"{claim}"</c> that stand for the user's
/// values of that claim (named as the token names it: <c>{sub}</c> also matches the <c>sub</c> a JWT handler renamed to
/// <c>ClaimTypes.NameIdentifier</c>), and wildcards <c>"{*}"</c> that stand for any string or integer. It covers every
/// tag that starts with it.
/// </summary>
internal sealed class TagPattern
{
    private const string Wildcard = "*";

    // The property JwtSecurityTokenHandler and JsonWebTokenHandler give a claim they renamed: its name in the token.
    internal const string ShortTypeNameProperty = "http://schemas.xmlsoap.org/ws/2005/05/identity/claimproperties/ShortTypeName";

    private readonly Tag _pattern;

    // Position → claim type, for the segments written "{claim}", or the wildcard's "*".
    private readonly (int Position, string ClaimType)[] _placeholders;

    public TagPattern(Tag pattern)
    {
        _pattern = pattern;
        var placeholders = new List<(int, string)>();
        var i = -1;

        // Enumerating a default(Tag) throws: a pattern of no segments would cover every tag.
        foreach (var segment in pattern)
        {
            i++;
            if (segment is { Kind: TagSegmentKind.String, StringValue: ['{', .., '}'] text })
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
    public bool MatchesClaims(Tag tag, ClaimsPrincipal user) => UnmatchedClaim(tag, user) is null;

    /// <summary>
    /// The claim type of the first placeholder whose segment of <paramref name="tag"/> equals none of the user's
    /// values of that claim, or null when every placeholder matches (wildcards match any).
    /// </summary>
    public string? UnmatchedClaim(Tag tag, ClaimsPrincipal user)
    {
        foreach (var (position, claimType) in _placeholders)
        {
            if (claimType != Wildcard && !HasValue(user, claimType, tag[position]))
            {
                return claimType;
            }
        }

        return null;
    }

    private static bool HasValue(ClaimsPrincipal user, string claimType, TagSegment segment)
    {
        foreach (var identity in user.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                if (Names(claim, claimType) && Equals(segment, claim.Value))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // A JWT handler that maps inbound claims (AddJwtBearer's and OpenID Connect's default) renames "sub" to
    // ClaimTypes.NameIdentifier, "email" to ClaimTypes.Email, and so on, and keeps the name the token used in the
    // claim's ShortTypeName property. A placeholder names the claim as the token does, so it matches the claim under
    // either name; one renamed from another name ("nameid" becomes NameIdentifier too) does not stand in for it.
    // Only renamed claims carry the property, and every name the handlers rename to is a URI: asking any other claim
    // would give it an empty property dictionary (Claim.Properties makes one) for as long as the connection lasts.
    private static bool Names(Claim claim, string claimType) =>
        string.Equals(claim.Type, claimType, StringComparison.OrdinalIgnoreCase)
        || (claim.Type.Contains("://", StringComparison.Ordinal)
            && claim.Properties.TryGetValue(ShortTypeNameProperty, out var tokenName)
            && string.Equals(tokenName, claimType, StringComparison.OrdinalIgnoreCase));

    // A claim is text; an integer segment matches its decimal text.
    private static bool Equals(TagSegment segment, string claim) => segment.Kind switch
    {
        TagSegmentKind.String => string.Equals(segment.StringValue, claim, StringComparison.Ordinal),
        TagSegmentKind.Integer => long.TryParse(claim, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value == segment.IntegerValue,
        _ => false,
    };
}
