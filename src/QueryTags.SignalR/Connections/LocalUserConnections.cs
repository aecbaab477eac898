using System.Security.Claims;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The hub connections of this node opened by a signed-in user, by identity, so a sign-out can close them.
/// Anonymous connections are not kept: no sign-out concerns them.
/// </summary>
internal sealed class LocalUserConnections(ConnectionBindings bindings, ILogger<InvalidationHub> logger) : IUserConnections
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<ConnectionIdentity, HashSet<string>> _byIdentity = [];

    /// <summary>Connections kept now (the signed-in ones).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    public void Opened(HubCallerContext context)
    {
        var identity = ConnectionIdentity.Of(context.User);
        if (identity.IsAnonymous)
        {
            return;
        }

        // The token of a negotiated connection is in its request's query (for long polling, in the first poll's copy).
        var token = context.Features.Get<IHttpContextFeature>()?.HttpContext?.Request.Query["id"].ToString();
        lock (_gate)
        {
            _connections[context.ConnectionId] = new Entry(identity, context, token is { Length: > 0 } ? token : null);
            if (!_byIdentity.TryGetValue(identity, out var ids))
            {
                _byIdentity[identity] = ids = new HashSet<string>(StringComparer.Ordinal);
            }

            ids.Add(context.ConnectionId);
        }
    }

    public void Closed(HubCallerContext context)
    {
        lock (_gate)
        {
            if (_connections.Remove(context.ConnectionId, out var entry) && _byIdentity.TryGetValue(entry.Identity, out var ids))
            {
                ids.Remove(context.ConnectionId);
                if (ids.Count == 0)
                {
                    _byIdentity.Remove(entry.Identity);
                }
            }
        }
    }

    public Task<int> CloseAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Task.FromResult(Close(ConnectionIdentity.Of(user)));
    }

    /// <summary>
    /// Closes this node's connections of <paramref name="identity"/>: every one it negotiated (a connection whose hub
    /// connection is still starting included) and any it opened without negotiating; how many.
    /// </summary>
    public int Close(ConnectionIdentity identity)
    {
        if (identity.IsAnonymous)
        {
            return 0;
        }

        // Closed as a network failure closes a connection, so that its client reconnects (with the credentials it has
        // now): its token stops working and its requests in flight are reset. HubCallerContext.Abort() would send a
        // close message saying "do not reconnect" (delivered by the next long poll), and an obedient client would stay
        // disconnected, showing stale data, on the user's other devices too.
        var closed = bindings.CloseAll(identity);
        Entry[] entries;
        lock (_gate)
        {
            entries = _byIdentity.TryGetValue(identity, out var ids) ? [.. ids.Select(id => _connections[id])] : [];
        }

        foreach (var entry in entries)
        {
            if (entry.Token is null)
            {
                // A WebSocket that skipped negotiation: its one request is the connection.
                entry.Context.Features.Get<IHttpContextFeature>()?.HttpContext?.Abort();
                closed++;
            }

            // Then SignalR's connection ends, so its groups are left now rather than when SignalR times it out.
            if (entry.Context.Features.Get<IConnectionLifetimeFeature>() is { } lifetime)
            {
                lifetime.Abort();
            }
            else
            {
                entry.Context.Abort();
            }
        }

        if (closed > 0)
        {
            HubLog.UserConnectionsClosed(logger, closed);
        }

        return closed;
    }

    private sealed record Entry(ConnectionIdentity Identity, HubCallerContext Context, string? Token);
}
