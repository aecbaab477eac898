using System.Security.Claims;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class ConnectionIdentityTests
{
    [Fact]
    public void A_principal_without_an_authenticated_identity_is_anonymous()
    {
        Assert.True(ConnectionIdentity.Of(null).IsAnonymous);
        Assert.True(ConnectionIdentity.Of(new ClaimsPrincipal()).IsAnonymous);
        Assert.True(ConnectionIdentity.Of(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")]))).IsAnonymous);
    }

    [Fact]
    public void The_user_id_is_the_name_identifier_then_sub_then_the_name_claim()
    {
        var all = User("Cookies", new Claim(ClaimTypes.Name, "Alice A."), new Claim("sub", "alice"), new Claim(ClaimTypes.NameIdentifier, "42"));
        var subAndName = User("Cookies", new Claim(ClaimTypes.Name, "Alice A."), new Claim("sub", "alice"));
        var name = User("Cookies", new Claim(ClaimTypes.Name, "Alice A."));

        Assert.Equal((ClaimTypes.NameIdentifier, "42"), Id(all));
        Assert.Equal(("sub", "alice"), Id(subAndName));
        Assert.Equal((ClaimTypes.Name, "Alice A."), Id(name));
    }

    [Fact]
    public void The_same_claims_in_a_refreshed_principal_are_the_same_identity()
    {
        var first = User("Bearer", new Claim("sub", "alice", null, "https://issuer"), new Claim("role", "admin"));
        var refreshed = User("Bearer", new Claim("sub", "alice", null, "https://issuer"), new Claim("role", "auditor"));

        Assert.Equal(ConnectionIdentity.Of(first), ConnectionIdentity.Of(refreshed));
    }

    [Fact]
    public void Another_issuer_another_authentication_type_or_another_id_is_another_identity()
    {
        var alice = ConnectionIdentity.Of(User("Bearer", new Claim("sub", "alice", null, "https://issuer")));

        Assert.NotEqual(alice, ConnectionIdentity.Of(User("Bearer", new Claim("sub", "alice", null, "https://other-issuer"))));
        Assert.NotEqual(alice, ConnectionIdentity.Of(User("ApiKey", new Claim("sub", "alice", null, "https://issuer"))));
        Assert.NotEqual(alice, ConnectionIdentity.Of(User("Bearer", new Claim("sub", "bob", null, "https://issuer"))));
        Assert.NotEqual(alice, ConnectionIdentity.Anonymous);
    }

    [Fact]
    public void The_first_authenticated_identity_of_the_principal_counts()
    {
        var principal = new ClaimsPrincipal([new ClaimsIdentity([new Claim("sub", "nobody")]), new ClaimsIdentity([new Claim("sub", "alice")], "Cookies")]);

        Assert.Equal(("Cookies", "alice"), (ConnectionIdentity.Of(principal).AuthenticationType, ConnectionIdentity.Of(principal).Value));
    }

    private static ClaimsPrincipal User(string authenticationType, params Claim[] claims) => new(new ClaimsIdentity(claims, authenticationType));

    private static (string?, string?) Id(ClaimsPrincipal principal) => (ConnectionIdentity.Of(principal).ClaimType, ConnectionIdentity.Of(principal).Value);
}
