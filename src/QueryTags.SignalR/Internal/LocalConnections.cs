using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The hub connections of this node with the tags each holds, and the <c>reset</c> of all of them. Sending to a
/// single connection stays on the node even with the Redis backplane, so it works the moment a node needs it.
/// </summary>
/// <remarks>
/// One shared map rather than <see cref="HubCallerContext.Items"/>: that is a dictionary of its own per
/// connection (about half a kilobyte each), and an idle server holds many connections.
/// </remarks>
internal sealed class LocalConnections(IHubContext<InvalidationHub, IInvalidationClient> hubContext, InvalidationLog log, ServerCaches caches) : ILocalClientReset
{
    private readonly ConcurrentDictionary<string, ConnectionSubscriptions> _connections = new(StringComparer.Ordinal);

    public void Add(string connectionId, ConnectionSubscriptions subscriptions) => _connections[connectionId] = subscriptions;

    public bool Remove(string connectionId, [NotNullWhen(true)] out ConnectionSubscriptions? subscriptions) =>
        _connections.TryRemove(connectionId, out subscriptions);

    public bool TryGet(string connectionId, [NotNullWhen(true)] out ConnectionSubscriptions? subscriptions) =>
        _connections.TryGetValue(connectionId, out subscriptions);

    public async Task<int> ResetAllAsync(string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);

        // The refetch a reset starts must read fresh data: whatever may have gone unevicted is evicted first, and a
        // failed eviction throws before anyone is told.
        await caches.EvictAllAsync(reason, cancellationToken);
        var message = new ResetMessage { Reason = reason, Cursor = await log.CurrentAsync(cancellationToken) };
        var ids = _connections.Keys.ToArray();
        await Task.WhenAll(ids.Select(id => hubContext.Clients.Client(id).Reset(message)));
        return ids.Length;
    }
}
