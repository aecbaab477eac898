using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.TestServer;

/// <summary>
/// Remembers open hub connections so a test can cut them from the server side, as a network failure would.
/// <see cref="HubCallerContext.Abort"/> is no use for that: it closes politely with "do not reconnect".
/// WebSockets and SSE get their request's TCP connection reset; long polling gets its polls reset, since
/// ending its transport answers the pending poll with a normal "closed".
/// </summary>
public sealed class ConnectionTracker : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();
    private readonly ConcurrentDictionary<string, HttpContext> _pendingPolls = new();
    private readonly ConcurrentDictionary<string, bool> _cutPolls = new();

    /// <summary>Open connections.</summary>
    public int Count => _connections.Count;

    /// <summary>Cuts every open connection; returns how many.</summary>
    public int AbortAll()
    {
        var contexts = _connections.Values.ToArray();
        foreach (var context in contexts)
        {
            if (context.Features.Get<IHttpTransportFeature>()?.TransportType == HttpTransportType.LongPolling
                && context.Features.Get<IHttpContextFeature>()?.HttpContext?.Request.Query["id"].ToString() is { Length: > 0 } token)
            {
                _cutPolls[token] = true;
                if (_pendingPolls.TryGetValue(token, out var poll))
                {
                    poll.Abort();
                }
            }
            else if (context.Features.Get<IHttpContextFeature>()?.HttpContext is { } request)
            {
                // Resetting the request's TCP connection leaves the server no chance to send a close message
                // (which would say "do not reconnect"), as with a real network failure.
                request.Abort();
            }
            else
            {
                context.Features.Get<IConnectionLifetimeFeature>()?.Abort();
            }
        }

        return contexts.Length;
    }

    /// <summary>Middleware: tracks pending long polls and resets those of cut connections.</summary>
    public async Task TrackPollsAsync(HttpContext context, RequestDelegate next)
    {
        var token = context.Request.Query["id"].ToString();
        var isPoll = HttpMethods.IsGet(context.Request.Method) && token.Length > 0
            && !context.WebSockets.IsWebSocketRequest
            && !context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal);
        if (!isPoll)
        {
            await next(context);
            return;
        }

        if (_cutPolls.ContainsKey(token))
        {
            context.Abort();
            return;
        }

        _pendingPolls[token] = context;
        try
        {
            await next(context);
        }
        finally
        {
            _pendingPolls.TryRemove(token, out _);
        }
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
        if (context.Context.Features.Get<IHttpContextFeature>()?.HttpContext?.Request.Query["id"].ToString() is { Length: > 0 } token)
        {
            _cutPolls.TryRemove(token, out _);
        }

        await next(context, exception);
    }
}
