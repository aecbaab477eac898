using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace QueryTags.SignalR;

/// <summary>What an authorization handler decides on: one tag a connection asks to hold, and who asks.</summary>
public sealed class TagAuthorizationContext(Tag tag, Tag prefix, ClaimsPrincipal user, HttpContext? httpContext, string connectionId, CancellationToken cancellationToken)
{
    /// <summary>The tag asked for.</summary>
    public Tag Tag { get; } = tag;

    /// <summary>
    /// The leading segments of <see cref="Tag"/> that the rule's pattern covers. The answer is kept per connection
    /// for this prefix: decide on it, not on the rest of the tag.
    /// </summary>
    public Tag Prefix { get; } = prefix;

    /// <summary>The connection's user (anonymous when the hub does not require authentication).</summary>
    public ClaimsPrincipal User { get; } = user;

    /// <summary>The HTTP request that opened the connection, when there is one; its <c>RequestServices</c> reach scoped services.</summary>
    public HttpContext? HttpContext { get; } = httpContext;

    /// <summary>The SignalR connection id.</summary>
    public string ConnectionId { get; } = connectionId;

    /// <summary>Cancelled when the connection closes.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;
}
