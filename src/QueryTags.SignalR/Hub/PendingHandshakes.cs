using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The hub's connections that have not completed SignalR's handshake. SignalR asks the user id provider for a
/// connection's user once its handshake has succeeded, and only then, so this provider (wrapping the app's) is where a
/// connection leaves the set. It holds only connections in their handshake: a few, for a few seconds.
/// </summary>
internal sealed class PendingHandshakes(IUserIdProvider inner) : IUserIdProvider
{
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);

    public void Add(string connectionId) => _pending.TryAdd(connectionId, 0);

    /// <summary>Takes the connection off the set: true when its handshake never succeeded.</summary>
    public bool Remove(string connectionId) => _pending.TryRemove(connectionId, out _);

    public string? GetUserId(HubConnectionContext connection)
    {
        _pending.TryRemove(connection.ConnectionId, out _);
        return inner.GetUserId(connection);
    }
}
