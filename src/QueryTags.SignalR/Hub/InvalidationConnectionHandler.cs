using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// SignalR's connection handler for <see cref="InvalidationHub"/>, as SignalR builds it (with the hub's quiet logger
/// factory and protocols, see <c>AddTagInvalidation</c>), plus one thing: a WebSocket that sent no handshake within
/// <see cref="TagInvalidationOptions.HandshakeTimeout"/> is closed at once when SignalR gives up on it.
/// </summary>
/// <remarks>
/// SignalR answers such a connection at the timeout and ends it; its WebSocket transport then sends a close frame and
/// waits for the client's reply up to its own close timeout (5 s by default) before it aborts the socket. A client that
/// sent nothing replies to nothing, so it held its socket for twice the handshake timeout (10 s). Aborting it when the
/// handler returns cuts it at the timeout; the answer may not reach it, which a client that never spoke does not miss.
/// A handshake that SignalR refused before the timeout (an unknown protocol, a malformed request) keeps SignalR's
/// answer and close: a real client learns from it why. Other transports close promptly on their own (a long poll
/// answers, a Server-Sent Events response ends), and only a WebSocket's request lives as long as its connection.
/// </remarks>
internal sealed class InvalidationConnectionHandler : HubConnectionHandler<InvalidationHub>
{
    private readonly PendingHandshakes _pending;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeProvider _time;

    // SignalR's own default, for a hub whose options were never set (TagInvalidationOptions failed validation, and the
    // host will not start).
    private static readonly TimeSpan SignalRDefaultHandshakeTimeout = TimeSpan.FromSeconds(15);

    // SignalR's handshake timer counts whole milliseconds of Environment.TickCount64, so it can end the handshake a
    // little before the timeout by this handler's high-resolution clock; a refused handshake comes far earlier.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(50);

    public InvalidationConnectionHandler(IServiceProvider services, PendingHandshakes pending)
        : base(
            services.GetRequiredService<HubLifetimeManager<InvalidationHub>>(),
            new SkipUnknownMessagesProtocolResolver(services.GetRequiredService<IHubProtocolResolver>()),
            services.GetRequiredService<IOptions<HubOptions>>(),
            services.GetRequiredService<IOptions<HubOptions<InvalidationHub>>>(),
            new QuietClientMistakes(services.GetRequiredService<ILoggerFactory>()),
            pending,
            services.GetRequiredService<IServiceScopeFactory>())
    {
        _pending = pending;
        // The timeout SignalR applies, read as it reads it (InvalidationHubOptionsSetup sets the hub's).
        _handshakeTimeout = services.GetRequiredService<IOptions<HubOptions<InvalidationHub>>>().Value.HandshakeTimeout
            ?? services.GetRequiredService<IOptions<HubOptions>>().Value.HandshakeTimeout
            ?? SignalRDefaultHandshakeTimeout;
        _time = services.GetRequiredService<TimeProvider>();
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var started = _time.GetTimestamp();
        _pending.Add(connection.ConnectionId);
        try
        {
            await base.OnConnectedAsync(connection);
        }
        finally
        {
            // Still pending when SignalR returns at or after the timeout: the handshake timed out. The connection's
            // request lasts until this method returns, so aborting it here cannot reach a later request.
            if (_pending.Remove(connection.ConnectionId)
                && _time.GetElapsedTime(started) >= _handshakeTimeout - TimerSlack
                && connection.Features.Get<IHttpTransportFeature>()?.TransportType == HttpTransportType.WebSockets)
            {
                connection.Abort();
            }
        }
    }
}
