using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR;

/// <summary>
/// Which tags a connection may hold. Each rule has a pattern: a tag whose leading segments match it falls under
/// the rule. A string segment written <c>"{claim}"</c> in a pattern is a placeholder: it matches a tag segment equal
/// to one of the connection's values of that claim (<c>["user", "{sub}"]</c> covers <c>["user", "alice", ...]</c> for
/// the user whose <c>sub</c> is <c>alice</c>, and refuses it to everyone else). A placeholder names the claim as the token
/// does: <c>{sub}</c> also matches the <c>sub</c> that <c>AddJwtBearer</c> renames to <c>ClaimTypes.NameIdentifier</c>
/// by default (<c>MapInboundClaims</c>), and likewise for every claim a JWT handler renames. <c>"{*}"</c> stands for any string
/// or integer segment (<c>["project", "{*}"]</c> covers each project). A tag is allowed when every rule it
/// falls under allows it; a tag no rule covers is allowed, unless <see cref="DenyByDefault"/> is on.
/// </summary>
/// <remarks>
/// The rules run for every tag of every subscribe, with the connection's user: a reconnect under another identity
/// holds only what that identity may. A refused tag is reported with the rule <c>forbidden</c>, is never joined,
/// and never appears in <c>missed</c>.
/// </remarks>
public sealed class TagAuthorizationOptions
{
    private readonly List<TagAuthorizationRule> _rules = [];

    /// <summary>
    /// When on, a tag that no rule covers is refused, so every tag a client may hold must be named by a rule
    /// (<c>Allow(["todos"])</c> for a public one). Default off: tags no rule covers are allowed.
    /// </summary>
    public bool DenyByDefault { get; set; }

    internal IReadOnlyList<TagAuthorizationRule> Rules => _rules;

    /// <summary>Allows the tags under <paramref name="pattern"/> whose placeholders match the user's claims.</summary>
    /// <param name="pattern">Such as <c>["todos"]</c> (anyone) or <c>["user", "{sub}"]</c> (each user their own).</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException">The pattern is empty or has a placeholder with no claim name.</exception>
    public TagAuthorizationOptions Allow(Tag pattern) => Add(new TagAuthorizationRule(new TagPattern(pattern), null, null));

    /// <summary>
    /// Allows the tags under <paramref name="pattern"/> only to users who satisfy the authorization policy
    /// <paramref name="policyName"/> (through <c>IAuthorizationService</c>, with the tag as the resource), and whose
    /// claims match its placeholders. Needs <c>services.AddAuthorization(...)</c> with that policy.
    /// </summary>
    /// <param name="pattern">Such as <c>["admin"]</c>.</param>
    /// <param name="policyName">The policy, such as <c>"Admins"</c>.</param>
    /// <returns>These options, for chaining.</returns>
    public TagAuthorizationOptions RequirePolicy(Tag pattern, string policyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        return Add(new TagAuthorizationRule(new TagPattern(pattern), policyName, null));
    }

    /// <summary>
    /// Allows the tags under <paramref name="pattern"/> when <paramref name="handler"/> says so (and the user's claims
    /// match its placeholders), for checks no claim can answer, such as a membership in the database. Its answer is
    /// kept per connection and per covered prefix (<see cref="TagAuthorizationContext.Prefix"/>), so a page holding a
    /// thousand tags under one prefix asks once: make the pattern as long as what the handler looks at, such as
    /// <c>["project", "{*}"]</c> for a check per project.
    /// </summary>
    /// <param name="pattern">Such as <c>["project", "{*}"]</c>.</param>
    /// <param name="handler">True to allow. An exception refuses the tag and is logged as an error.</param>
    /// <returns>These options, for chaining.</returns>
    public TagAuthorizationOptions Require(Tag pattern, Func<TagAuthorizationContext, ValueTask<bool>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new TagAuthorizationRule(new TagPattern(pattern), null, handler));
    }

    private TagAuthorizationOptions Add(TagAuthorizationRule rule)
    {
        _rules.Add(rule);
        return this;
    }
}
