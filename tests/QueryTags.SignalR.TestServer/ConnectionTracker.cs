using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.TestServer;

/// <summary>Remembers open hub connections so a test can abort them from the server side, as a network failure would.</summary>
public sealed class ConnectionTracker : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();

    /// <summary>Open connections.</summary>
    public int Count => _connections.Count;

    /// <summary>Aborts every open connection; returns how many.</summary>
    public int AbortAll()
    {
        var contexts = _connections.Values.ToArray();
        foreach (var context in contexts)
        {
            context.Abort();
        }

        return contexts.Length;
    }

    /// <inheritdoc />
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections[context.Context.ConnectionId] = context.Context;
        await next(context);
    }

    /// <inheritdoc />
    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }
}
