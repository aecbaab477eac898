namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>What the load clients' WebSockets travel over.</summary>
/// <remarks>
/// Results written before the idle scenario measured HTTP/2 have no transport: they read as the zero value,
/// <see cref="Http11"/>, which is what they used.
/// </remarks>
internal enum WebSocketTransport
{
    /// <summary>An HTTP/1.1 upgrade: one TCP connection, so one file descriptor at each end, per WebSocket.</summary>
    Http11,

    /// <summary>
    /// HTTP/2 extended CONNECT (RFC 8441), cleartext with prior knowledge: each WebSocket is a stream of a TCP
    /// connection it shares with up to the server's streams-per-connection limit of others. The SignalR systems
    /// only: socket.io's <c>ws</c> server has no HTTP/2 WebSockets.
    /// </summary>
    Http2,
}

/// <summary>Names of <see cref="WebSocketTransport"/> in logs and tables.</summary>
internal static class WebSocketTransports
{
    public static string Title(this WebSocketTransport transport) => transport switch
    {
        WebSocketTransport.Http11 => "HTTP/1.1",
        WebSocketTransport.Http2 => "HTTP/2",
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };
}
