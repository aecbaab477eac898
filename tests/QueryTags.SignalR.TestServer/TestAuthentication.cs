using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QueryTags.SignalR.TestServer;

/// <summary>
/// Authentication the ASP.NET Core way, for tests only: JWT bearer tokens signed with a fixed symmetric key that
/// anyone can read in this file, and a sign-in cookie. <b>A test tool, not an example of how to issue tokens:</b>
/// <c>POST /token</c> and <c>POST /signin</c> hand out any identity to anyone who asks.
/// </summary>
/// <remarks>
/// <para><c>POST /token</c> with a JSON object of claims, such as <c>{"sub":"alice","org_id":"acme","role":"admin"}</c>,
/// answers <c>{"token":"..."}</c>, valid for an hour (or <c>?seconds=N</c>), to the second: no clock skew. A string or number is one claim; an array is one claim per
/// item (<c>"project":[7,8]</c>).</para>
/// <para><c>POST /signin</c> with the same body sets the sign-in cookie; <c>POST /signout</c> clears it and closes the
/// hub connections of the user it was sent as (<see cref="IUserConnections"/>), cookie or token.</para>
/// <para>The default scheme picks the token when the request has an <c>Authorization: Bearer</c> header or, on a hub
/// path, an <c>access_token</c> query parameter (browsers cannot set headers on WebSockets and Server-Sent Events,
/// so SignalR's JavaScript client sends it there), and the cookie otherwise. Claims keep their JWT names
/// (<c>MapInboundClaims = false</c>): <c>sub</c> stays <c>sub</c>. Without credentials an endpoint that requires
/// authorization answers 401 (no redirect to a login page).</para>
/// </remarks>
public static class TestAuthentication
{
    /// <summary>The default scheme: bearer token or cookie, whichever the request carries.</summary>
    public const string Scheme = "TokenOrCookie";

    /// <summary>The policy the <c>["admin"]</c> tags require: the claim <c>role</c> = <c>admin</c>.</summary>
    public const string AdminsPolicy = "Admins";

    /// <summary>The policy of the publish endpoint (<c>POST /api/invalidations</c>): the claim <c>role</c> = <c>publisher</c>.</summary>
    public const string PublishersPolicy = "Publishers";

    private const string Issuer = "querytags-testserver";

    // Fixed so that a token stays readable across restarts of the test server; it protects nothing.
    private static readonly SymmetricSecurityKey SigningKey = new(Encoding.UTF8.GetBytes("QueryTags.SignalR test server signing key, not a secret"));

    public static void AddTestAuthentication(this IServiceCollection services)
    {
        // Cookies are protected with keys that live as long as the process: nothing is written to the user's profile.
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new InMemoryXmlRepository();
            options.XmlEncryptor = new NullXmlEncryptor();
        });
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or cookie", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || HubAccessToken(context.Request) is not null
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = Issuer,
                    ValidAudience = Issuer,
                    IssuerSigningKey = SigningKey,
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    // A token is refused the moment it expires, as the tests of short-lived tokens expect.
                    ClockSkew = TimeSpan.Zero,
                };
                options.Events = new JwtBearerEvents
                {
                    // As SignalR's documentation shows: the JavaScript client's WebSockets and SSE carry the token here.
                    OnMessageReceived = context =>
                    {
                        if (HubAccessToken(context.Request) is { } token)
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = "querytags.test";
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminsPolicy, policy => policy.RequireClaim("role", "admin"))
            .AddPolicy(PublishersPolicy, policy => policy.RequireClaim("role", "publisher"));
    }

    public static void MapTestAuthentication(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/token", async (HttpRequest request, int? seconds) =>
        {
            if (await ReadIdentityAsync(request) is not { } identity)
            {
                return ClaimsProblem();
            }

            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = Issuer,
                Subject = identity,
                Expires = DateTime.UtcNow.AddSeconds(seconds ?? 3600),
                SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
            });
            return Results.Ok(new { token });
        });
        endpoints.MapPost("/signin", async (HttpContext context) =>
        {
            if (await ReadIdentityAsync(context.Request) is not { } identity)
            {
                return ClaimsProblem();
            }

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.NoContent();
        });
        // As an app signs out: the cookie is cleared, and the user's hub connections close once the answer is sent
        // (a browser then reconnects without the cookie).
        endpoints.MapPost("/signout", async (HttpContext context, IUserConnections connections) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            var user = context.User;
            context.Response.OnCompleted(() => connections.CloseAsync(user));
            return Results.NoContent();
        });
    }

    private static string? HubAccessToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs") && request.Query["access_token"].ToString() is { Length: > 0 } token ? token : null;

    // A JSON object of claims: a string or number is one claim, an array one claim per item.
    private static async Task<ClaimsIdentity?> ReadIdentityAsync(HttpRequest request)
    {
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted)).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var claims = new List<Claim>();
        foreach (var property in body.EnumerateObject())
        {
            var values = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToArray() : [property.Value];
            foreach (var value in values)
            {
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    return null;
                }

                claims.Add(new Claim(property.Name, value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()));
            }
        }

        return claims.Any(claim => claim.Type == "sub") ? new ClaimsIdentity(claims, "test", "sub", "role") : null;
    }

    private static IResult ClaimsProblem() => Results.Problem(
        statusCode: 400,
        title: "The body needs a JSON object of claims with a 'sub', such as {\"sub\":\"alice\",\"org_id\":\"acme\",\"role\":\"admin\"}; a claim's value is a string, a number or an array of them.");

    private sealed class InMemoryXmlRepository : IXmlRepository
    {
        private readonly ConcurrentQueue<XElement> _elements = new();

        public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements];

        public void StoreElement(XElement element, string friendlyName) => _elements.Enqueue(element);
    }
}
