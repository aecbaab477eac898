using System.Security.Claims;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class TagPatternTests
{
    [Theory]
    [InlineData("[\"user\",\"{sub}\"]", "[\"user\",\"alice\"]", true)]
    [InlineData("[\"user\",\"{sub}\"]", "[\"user\",\"alice\",\"todos\",5]", true)]
    [InlineData("[\"user\",\"{sub}\"]", "[\"user\",42]", true)]
    [InlineData("[\"user\",\"{sub}\"]", "[\"user\"]", false)]
    [InlineData("[\"user\",\"{sub}\"]", "[\"users\",\"alice\"]", false)]
    [InlineData("[\"user\",\"{sub}\"]", "[\"user\",true]", false)]
    [InlineData("[\"admin\"]", "[\"admin\",\"reports\"]", true)]
    [InlineData("[\"admin\"]", "[\"administrator\"]", false)]
    [InlineData("[\"org\",\"{org}\",\"billing\"]", "[\"org\",\"acme\",\"billing\",2]", true)]
    [InlineData("[\"org\",\"{org}\",\"billing\"]", "[\"org\",\"acme\",\"members\"]", false)]
    public void Covers_the_tags_that_start_with_it(string pattern, string tag, bool covers)
    {
        Assert.Equal(covers, new TagPattern(Tag.Parse(pattern)).Covers(Tag.Parse(tag)));
    }

    [Fact]
    public void A_placeholder_matches_one_of_the_users_values_of_its_claim()
    {
        var pattern = new TagPattern(["org", "{org_id}"]);
        var user = User(("org_id", "acme"), ("org_id", "42"), ("sub", "alice"));

        Assert.True(pattern.MatchesClaims(["org", "acme", "invoices"], user));
        Assert.True(pattern.MatchesClaims(["org", 42], user));
        Assert.False(pattern.MatchesClaims(["org", "globex"], user));
        Assert.False(pattern.MatchesClaims(["org", "Acme"], user));
        Assert.False(pattern.MatchesClaims(["org", "acme"], new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public void A_placeholder_matches_its_claim_renamed_by_a_jwt_handler_but_not_another_claim_renamed_to_the_same_type()
    {
        var pattern = new TagPattern(["user", "{sub}"]);
        // As AddJwtBearer maps a token's "sub" and "nameid" (both to NameIdentifier), keeping each one's token name.
        var user = new ClaimsPrincipal(new ClaimsIdentity([Renamed(ClaimTypes.NameIdentifier, "sub", "alice"), Renamed(ClaimTypes.NameIdentifier, "nameid", "bob")], "jwt"));

        Assert.Null(pattern.UnmatchedClaim(["user", "alice"], user));
        Assert.Equal("sub", pattern.UnmatchedClaim(["user", "bob"], user));
        // A NameIdentifier a cookie sign-in set is not a token's "sub".
        Assert.False(pattern.MatchesClaims(["user", "carol"], User((ClaimTypes.NameIdentifier, "carol"))));
    }

    [Fact]
    public void A_wildcard_covers_any_string_or_integer_and_asks_no_claim()
    {
        var pattern = new TagPattern(["project", "{*}"]);
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());

        Assert.True(pattern.Covers(["project", 7, "task", 1]));
        Assert.True(pattern.Covers(["project", "seven"]));
        Assert.False(pattern.Covers(["project", false]));
        Assert.False(pattern.Covers(["project"]));
        Assert.True(pattern.MatchesClaims(["project", 7], anonymous));
    }

    [Fact]
    public void A_pattern_without_placeholders_matches_every_user()
    {
        Assert.True(new TagPattern(["todos"]).MatchesClaims(["todos"], new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public void Patterns_that_cannot_work_are_refused_with_a_clear_message()
    {
        Assert.Throws<InvalidOperationException>(() => new TagPattern(default));
        var error = Assert.Throws<ArgumentException>(() => new TagPattern(["user", "{}"]));

        Assert.Contains("names no claim", error.Message, StringComparison.Ordinal);
    }

    private static Claim Renamed(string type, string tokenName, string value)
    {
        var claim = new Claim(type, value);
        claim.Properties[TagPattern.ShortTypeNameProperty] = tokenName;
        return claim;
    }

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(claim => new Claim(claim.Type, claim.Value)), "test"));
}
