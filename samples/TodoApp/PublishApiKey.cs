using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace TodoApp;

/// <summary>
/// Authenticates services that publish invalidations over HTTP (<c>POST /api/invalidations</c>): a request whose
/// <c>X-Api-Key</c> header equals the configuration value <c>PublishApiKey</c>. While that value is unset no key is
/// right, so every request is refused.
/// </summary>
public sealed class PublishApiKey(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "PublishApiKey";

    /// <summary>The policy the publish endpoint requires.</summary>
    public const string Policy = "Publishers";

    /// <summary>The header that carries the key.</summary>
    public const string Header = "X-Api-Key";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var sent))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = configuration["PublishApiKey"];
        if (string.IsNullOrEmpty(expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("PublishApiKey is not configured, so no key is accepted."));
        }

        if (sent.Count != 1 || !SameKey(sent.ToString(), expected))
        {
            return Task.FromResult(AuthenticateResult.Fail($"The {Header} header does not hold the publish key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "publisher")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        return Task.CompletedTask;
    }

    // Compared in constant time over hashes, so the time taken tells nothing of the key (nor of its length).
    private static bool SameKey(string sent, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(sent)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
