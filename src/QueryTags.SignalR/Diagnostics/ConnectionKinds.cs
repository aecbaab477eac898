using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The open connections of this node by transport and protocol, for the diagnostics endpoint and the meter. A
/// connection is counted once its handshake is done (the hub's <c>OnConnectedAsync</c>) until it closes.
/// </summary>
/// <remarks>
/// SignalR tells a hub the connection's transport (<see cref="IHttpTransportFeature"/>) but not its protocol, only the
/// protocol's transfer format (<see cref="ITransferFormatFeature.ActiveFormat"/>, set by the handshake); the format
/// names the protocol when one registered protocol has it, as JSON and MessagePack do.
/// </remarks>
internal sealed class ConnectionKinds(IEnumerable<IHubProtocol> protocols)
{
    private readonly ConcurrentDictionary<(string Transport, string Protocol), ConnectionKind> _kinds = new();
    private readonly IHubProtocol[] _protocols = [.. protocols];

    /// <summary>Counts a connection that opened; returns its kind, to give back to <see cref="Closed"/>.</summary>
    public ConnectionKind Opened(IFeatureCollection features)
    {
        var kind = _kinds.GetOrAdd((TransportName(features), ProtocolName(features)), static key => new ConnectionKind(key.Transport, key.Protocol));
        Interlocked.Increment(ref kind.Open);
        return kind;
    }

    public static void Closed(ConnectionKind kind) => Interlocked.Decrement(ref kind.Open);

    /// <summary>Every kind seen since the node started, with how many of its connections are open now (0 included).</summary>
    public IEnumerable<ConnectionKind> All => _kinds.Values;

    // The names OpenTelemetry's semantic conventions give SignalR's transports (attribute signalr.transport).
    private static string TransportName(IFeatureCollection features) => features.Get<IHttpTransportFeature>()?.TransportType switch
    {
        HttpTransportType.WebSockets => "web_sockets",
        HttpTransportType.ServerSentEvents => "server_sent_events",
        HttpTransportType.LongPolling => "long_polling",
        null => "unknown",
        var other => other.Value.ToString(),
    };

    private string ProtocolName(IFeatureCollection features)
    {
        if (features.Get<ITransferFormatFeature>() is not { } format)
        {
            return "unknown";
        }

        var names = _protocols.Where(protocol => protocol.TransferFormat == format.ActiveFormat).Select(protocol => protocol.Name).Distinct().ToArray();
        return names.Length == 1 ? names[0] : format.ActiveFormat.ToString().ToLowerInvariant();
    }
}
