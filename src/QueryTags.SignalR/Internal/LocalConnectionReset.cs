using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The hub connections of this node, and a way to send each of them a <c>reset</c>. Sending to a single
/// connection stays on the node even with the Redis backplane, so it works the moment a node needs it.
/// </summary>
internal sealed class LocalConnectionReset(IHubContext<InvalidationHub, IInvalidationClient> hubContext)
{
    private readonly ConcurrentDictionary<string, byte> _connectionIds = new(StringComparer.Ordinal);

    public void Add(string connectionId) => _connectionIds.TryAdd(connectionId, 0);

    public void Remove(string connectionId) => _connectionIds.TryRemove(connectionId, out _);

    /// <summary>Sends a reset to every local connection; returns how many.</summary>
    public async Task<int> ResetAllAsync(string reason, string? cursor)
    {
        var message = new ResetMessage { Reason = reason, Cursor = cursor };
        var ids = _connectionIds.Keys.ToArray();
        await Task.WhenAll(ids.Select(id => hubContext.Clients.Client(id).Reset(message)));
        return ids.Length;
    }
}
