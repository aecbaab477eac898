using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The hub connections of this node with the tags each holds, the <c>reset</c> of all of them, and asking all of
/// them to leave when the node stops. Sending to a single connection stays on the node even with the Redis
/// backplane, so it works the moment a node needs it.
/// </summary>
/// <remarks>
/// One shared map rather than <see cref="HubCallerContext.Items"/>: that is a dictionary of its own per
/// connection (about half a kilobyte each), and an idle server holds many connections.
/// </remarks>
internal sealed class LocalConnections(IHubContext<InvalidationHub, IInvalidationHubClient> hubContext, InvalidationLog log, ServerCaches caches, IOptions<TagInvalidationOptions> options) : ILocalClientReset
{
    private readonly ConcurrentDictionary<string, ConnectionSubscriptions> _connections = new(StringComparer.Ordinal);
    private volatile bool _leaving;

    /// <summary>No connection is left on this node.</summary>
    public bool IsEmpty => _connections.IsEmpty;

    public int Count => _connections.Count;

    public void Add(string connectionId, ConnectionSubscriptions subscriptions)
    {
        _connections[connectionId] = subscriptions;

        // Read after the add: a connection that arrives while AskAllToLeave runs is seen by one or the other.
        if (_leaving)
        {
            subscriptions.Lifetime?.RequestClose();
        }
    }

    public bool Remove(string connectionId, [NotNullWhen(true)] out ConnectionSubscriptions? subscriptions) =>
        _connections.TryRemove(connectionId, out subscriptions);

    public bool TryGet(string connectionId, [NotNullWhen(true)] out ConnectionSubscriptions? subscriptions) =>
        _connections.TryGetValue(connectionId, out subscriptions);

    /// <summary>
    /// Asks every connection, and every one that connects from now on, to close with SignalR's close message that
    /// allows a reconnect (not <see cref="HubCallerContext.Abort"/>, whose close message tells clients not to
    /// reconnect). Returns how many were asked.
    /// </summary>
    public int AskAllToLeave()
    {
        _leaving = true;
        var asked = 0;
        foreach (var connection in _connections.Values)
        {
            connection.Lifetime?.RequestClose();
            asked++;
        }

        return asked;
    }

    public async Task<int> ResetAllAsync(string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);

        // The refetch a reset starts must read fresh data: whatever may have gone unevicted is evicted first, and a
        // failed eviction throws before anyone is told.
        await caches.EvictAllAsync(reason, cancellationToken);
        var ids = _connections.Keys.ToArray();

        // Every client of the node refetches everything: spread, or the app behind the node takes them all at once.
        var message = new ResetMessage
        {
            Reason = reason,
            Cursor = await log.CurrentAsync(cancellationToken),
            SpreadMilliseconds = RefetchSpreadWindow.ForReset(ids.Length, options.Value.RefetchSpread),
        };
        await Task.WhenAll(ids.Select(id => hubContext.Clients.Client(id).Reset(message)));
        return ids.Length;
    }
}
