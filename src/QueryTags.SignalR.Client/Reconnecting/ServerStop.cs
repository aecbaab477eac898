using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// Whether a retry follows a server that is stopping: it closed a working connection without an error (SignalR's
/// close message that allows a reconnect, which a draining node sends, or a transport the server ended cleanly), or
/// it answered a connection attempt 503 (a draining node refuses new connections so).
/// </summary>
internal static class ServerStop
{
    public static bool Caused(RetryContext retry) =>
        retry.RetryReason is null ? retry.PreviousRetryCount == 0 : ConnectionFailures.Flatten(retry.RetryReason).Any(Unavailable);

    // The negotiate's status travels on the exception; a WebSocket refused without a negotiate only says it in words.
    private static bool Unavailable(Exception error) => error switch
    {
        HttpRequestException { StatusCode: HttpStatusCode.ServiceUnavailable } => true,
        WebSocketException socket => socket.Message.Contains("'503'", StringComparison.Ordinal),
        _ => false,
    };
}
