using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// <c>AddJwtBearer</c> renames a token's <c>sub</c> to <c>ClaimTypes.NameIdentifier</c> unless
/// <c>MapInboundClaims</c> is off; the rule <c>["user", "{sub}"]</c> must mean the token's <c>sub</c> either way.
/// A real JWT bearer scheme on real Kestrel, with each of its token handlers.
/// </summary>
public sealed class JwtClaimNamesTests
{
    private const string Issuer = "querytags-jwt-claim-names";
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("a signing key for this test only, 256 bits at least"));

    public static TheoryData<bool, bool> Handlers => new()
    {
        { true, false },   // AddJwtBearer's default: JsonWebTokenHandler, claims mapped
        { false, false },  // MapInboundClaims = false: "sub" stays "sub"
        { true, true },    // the older JwtSecurityTokenHandler, claims mapped
    };

    [Theory]
    [MemberData(nameof(Handlers))]
    public async Task A_sub_placeholder_matches_the_tokens_sub_whether_or_not_the_handler_renamed_it(bool mapInboundClaims, bool securityTokenValidators)
    {
        var logs = new LogCapture(LogLevel.Debug);
        await using var server = await StartAsync(mapInboundClaims, securityTokenValidators, logs);
        // "nameid" is renamed to the same ClaimTypes.NameIdentifier as "sub": it must not stand in for "sub".
        var token = Token(("sub", "alice"), ("nameid", "bob"), ("email", "alice@example.com"));
        await using var alice = await RawConnection.StartAsync(new Uri(server.Address, "/hubs/invalidation"), Transport.WebSocketsJson, Credentials.Bearer(token));

        var result = await alice.SubscribeAsync(["user", "alice", "todos"], ["user", "bob", "todos"]);

        var rejection = Assert.Single(result.Rejected);
        Assert.Equal((1, TagRules.Forbidden), (rejection.Index, rejection.Rule));
        Assert.DoesNotContain("alice", rejection.Reason, StringComparison.Ordinal);
        await server.InvalidateAsync(["user", "alice", "todos"]);
        Assert.Equal([["user", "alice", "todos"]], (await alice.NextAsync()).Tags);

        // Why, at Debug: the claim the rule asked for and the types the user had, never their values.
        var entry = Assert.Single(logs.Entries, entry => entry.Category == "QueryTags.SignalR.Internal.TagAuthorizer" && entry.Event.Name == "PlaceholderUnmatched");
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains("{sub}", entry.Message, StringComparison.Ordinal);
        Assert.Contains(mapInboundClaims ? ClaimTypes.NameIdentifier : "nameid", entry.Message, StringComparison.Ordinal);
        Assert.Contains(mapInboundClaims ? ClaimTypes.Email : "email", entry.Message, StringComparison.Ordinal);
        var withoutTheTag = entry.Message.Replace("[\"user\",\"bob\",\"todos\"]", string.Empty, StringComparison.Ordinal).Replace(alice.Connection.ConnectionId!, string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", withoutTheTag, StringComparison.Ordinal);
        Assert.DoesNotContain("bob", withoutTheTag, StringComparison.Ordinal);
    }

    private static async Task<KestrelServer> StartAsync(bool mapInboundClaims, bool securityTokenValidators, LogCapture logs)
    {
        var builder = KestrelServer.AppBuilder();
        builder.Logging.AddProvider(logs).AddFilter("QueryTags.SignalR.Internal.TagAuthorizer", LogLevel.Debug);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = mapInboundClaims;
            options.UseSecurityTokenValidators = securityTokenValidators;
            options.TokenValidationParameters = new TokenValidationParameters { ValidIssuer = Issuer, ValidAudience = Issuer, IssuerSigningKey = Key };
        });
        builder.Services.AddAuthorization();
        builder.Services.AddTagInvalidation().AddTagAuthorization(rules => rules.Allow(["user", "{sub}"])).AddSignalR();
        var app = builder.Build();
        app.MapTagInvalidation().RequireAuthorization();
        return await KestrelServer.StartAsync(app);
    }

    private static string Token(params (string Type, string Value)[] claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Issuer,
        Claims = claims.ToDictionary(claim => claim.Type, claim => (object)claim.Value),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
    });
}
