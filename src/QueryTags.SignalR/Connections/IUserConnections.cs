using System.Security.Claims;

namespace QueryTags.SignalR;

/// <summary>
/// The invalidation hub's connections by the user who opened them. Call <see cref="CloseAsync"/> when a user signs
/// out: a WebSocket or an event stream is one request, authenticated once when it opened, so without it the
/// connection would go on receiving that user's invalidations after the sign-out.
/// </summary>
/// <remarks>
/// A closed connection's client reconnects on its own (the close allows it), with the credentials it has now: a
/// browser that signed out comes back anonymous and holds only the tags anyone may, or is refused by a hub that
/// requires a user; the user's other devices and browsers, still signed in, come back as that user and ask for what
/// they missed. With <c>AddStackExchangeRedisScaleOut</c> the connections on every node are closed.
/// </remarks>
public interface IUserConnections
{
    /// <summary>
    /// Closes every hub connection opened by <paramref name="user"/>: by the same authentication type, issuer and
    /// user id (<see cref="ClaimTypes.NameIdentifier"/>, else <c>sub</c>, else the name claim). Pass the principal
    /// that is signing out (<c>HttpContext.User</c> of the sign-out request, which <c>SignOutAsync</c> leaves as it
    /// is). An anonymous principal closes nothing: anonymous connections cannot be told apart.
    /// </summary>
    /// <param name="user">The user whose connections to close.</param>
    /// <param name="cancellationToken">Cancels telling the other nodes; the connections of this node are closed at once.</param>
    /// <returns>How many connections were closed on this node (other nodes close theirs when told).</returns>
    Task<int> CloseAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default);
}
