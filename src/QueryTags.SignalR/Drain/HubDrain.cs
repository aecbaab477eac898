using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// What a stopping node does with its hub: from the moment the host says it is stopping, the hub's endpoints refuse
/// requests that would open a connection (503 with <c>Retry-After</c>), every local connection is asked to reconnect
/// (elsewhere, since this node refuses it), and the stop waits until they are gone, at most
/// <see cref="TagInvalidationOptions.DrainTimeout"/>.
/// </summary>
/// <remarks>
/// SignalR cuts every connection on <see cref="IHostApplicationLifetime.ApplicationStopping"/> itself, without a close
/// message (clients see 1006 and come straight back to the node that is stopping, which still accepts them and then
/// keeps the host up until its shutdown timeout). The drain runs in the same callback, registered after SignalR's
/// (by <c>MapTagInvalidation</c>, after <c>MapHub</c> created SignalR's connection manager), so it runs first: the
/// token runs its callbacks last registered first. It blocks that callback, as SignalR's does, because SignalR's would
/// otherwise cut the connections before their close messages are written.
/// </remarks>
internal sealed class HubDrain(IServiceProvider services, IOptions<TagInvalidationOptions> options, ILogger<InvalidationHub> logger)
{
    /// <summary>Seconds a refused client is told to wait: by then this node is gone or the balancer sends it elsewhere.</summary>
    public const int RetryAfterSeconds = 1;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private int _attached;
    private volatile bool _draining;
    private int _transportRequests;

    public bool IsDraining => _draining;

    /// <summary>Drains when <paramref name="lifetime"/> says the host is stopping; once, however many hubs are mapped.</summary>
    public void AttachTo(IHostApplicationLifetime lifetime)
    {
        if (Interlocked.Exchange(ref _attached, 1) == 0)
        {
            lifetime.ApplicationStopping.Register(static drain => ((HubDrain)drain!).Drain(), this);
        }
    }

    public void Drain()
    {
        _draining = true;
        var started = Stopwatch.GetTimestamp();

        // Looked up now, not when MapTagInvalidation creates the drain: the connections need the log, which reads the
        // options, and options that cannot work must stop the host when it starts, not when its hub is mapped.
        var connections = services.GetRequiredService<LocalConnections>();
        DrainLog.DrainStarted(logger, connections.AskAllToLeave());

        // Waited for through a task, not with a sleeping loop: the stopping callback may hold a thread of the pool
        // (a SIGTERM's), and a thread blocked on a task's result lets the pool add threads for the closes meanwhile.
        var timeout = options.Value.DrainTimeout;
        if (WaitUntilGoneAsync(connections, started, timeout).Result)
        {
            DrainLog.Drained(logger, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        else
        {
            DrainLog.DrainTimedOut(logger, connections.Count, Volatile.Read(ref _transportRequests), timeout);
        }
    }

    // A connection is gone when the hub let it go and its transport's request ended (the close handshake of a
    // WebSocket, the last poll): cut earlier, a close message still in a buffer would be lost.
    private async Task<bool> WaitUntilGoneAsync(LocalConnections connections, long started, TimeSpan timeout)
    {
        while (!connections.IsEmpty || Volatile.Read(ref _transportRequests) > 0)
        {
            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval);
        }

        return true;
    }

    /// <summary>
    /// Wraps a hub endpoint: while draining, a negotiate, and a request that would open a WebSocket or an SSE stream,
    /// is answered 503; the others (a long poll, a send, a delete of a connection that exists) go through, so a
    /// connection asked to leave still receives its close message. Transport requests are counted for the drain.
    /// </summary>
    /// <param name="next">The endpoint's delegate.</param>
    /// <param name="negotiate">Whether the endpoint is the hub's negotiate endpoint.</param>
    public RequestDelegate Guard(RequestDelegate next, bool negotiate) => async context =>
    {
        if (_draining && (negotiate || OpensTransport(context.Request)))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

            // The browser client cannot read response headers through SignalR's client: the body repeats the delay.
            await context.Response.WriteAsync($"This server is stopping and takes no new hub connections (Retry-After: {RetryAfterSeconds}); connect to another node.");
            return;
        }

        if (negotiate)
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref _transportRequests);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _transportRequests);
        }
    };

    // A WebSocket (HTTP/1.1 upgrade, or HTTP/2's extended CONNECT) or an SSE stream; a long poll is a plain GET.
    private static bool OpensTransport(HttpRequest request) =>
        HttpMethods.IsConnect(request.Method)
        || request.Headers.Upgrade.Count > 0
        || request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
}
