using System.Security.Claims;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Who opened a hub connection, in the terms every later request of the connection must show again: the
/// authentication type of the principal's first authenticated identity, and the issuer, type and value of that
/// identity's user id claim (<see cref="ClaimTypes.NameIdentifier"/>, else <c>sub</c>, else its name claim). A
/// principal with no authenticated identity is <see cref="Anonymous"/>.
/// </summary>
/// <remarks>
/// The issuer is part of it because a user id is unique only per issuer; the authentication type because two schemes
/// can issue the same id for different people (claims made in code all have the issuer <c>LOCAL AUTHORITY</c>). A
/// refreshed cookie or token of the same user keeps all four.
/// </remarks>
internal readonly record struct ConnectionIdentity(string? AuthenticationType, string? Issuer, string? ClaimType, string? Value)
{
    private const string SubjectClaim = "sub";

    public static ConnectionIdentity Anonymous => default;

    public bool IsAnonymous => AuthenticationType is null;

    public static ConnectionIdentity Of(ClaimsPrincipal? principal)
    {
        if (principal?.Identities.FirstOrDefault(identity => identity.IsAuthenticated) is not { } identity)
        {
            return Anonymous;
        }

        var id = identity.FindFirst(ClaimTypes.NameIdentifier) ?? identity.FindFirst(SubjectClaim) ?? identity.FindFirst(identity.NameClaimType);
        return new ConnectionIdentity(identity.AuthenticationType, id?.Issuer, id?.Type, id?.Value);
    }
}
