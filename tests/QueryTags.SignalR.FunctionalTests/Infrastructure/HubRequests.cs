using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>What a request at a hub connection's URL does.</summary>
public enum HubRequestKind
{
    /// <summary>A long poll: <c>GET ?id=token</c>.</summary>
    Poll,

    /// <summary>A message to the hub (long polling and SSE): <c>POST ?id=token</c>.</summary>
    Send,

    /// <summary>Opening the event stream: <c>GET ?id=token</c> with <c>Accept: text/event-stream</c>.</summary>
    EventStream,

    /// <summary>Ending a long-polling connection: <c>DELETE ?id=token</c>.</summary>
    Close,

    /// <summary>A WebSocket upgrade: <c>GET ?id=token</c>.</summary>
    WebSocket,
}

/// <summary>
/// One request at a hub connection's URL, spoken by hand as any client could send it with a connection token it
/// holds: the answer's status and body (a WebSocket's status only), to compare with the answer for a token that
/// does not exist.
/// </summary>
public static class HubRequests
{
    /// <summary>A connection token no server ever gave out, in the shape of a real one.</summary>
    public static Uri WithMadeUpToken(Uri connectionUrl) =>
        new UriBuilder(connectionUrl) { Query = "id=" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_') }.Uri;

    /// <summary>Sends one request of <paramref name="kind"/> as <paramref name="who"/>.</summary>
    /// <param name="body">What a <see cref="HubRequestKind.Send"/> carries (JSON protocol text).</param>
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(RawCredentials who, HubRequestKind kind, Uri connectionUrl, string body = "")
    {
        if (kind == HubRequestKind.WebSocket)
        {
            return (await WebSocketAsync(who, connectionUrl), "");
        }

        using var http = who.Client();
        using var request = new HttpRequestMessage(kind switch
        {
            HubRequestKind.Send => HttpMethod.Post,
            HubRequestKind.Close => HttpMethod.Delete,
            _ => HttpMethod.Get,
        }, connectionUrl);
        if (kind == HubRequestKind.Send)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }

        if (kind == HubRequestKind.EventStream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        // Headers first: an event stream that opened never ends by itself.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within();
        return response.IsSuccessStatusCode && kind == HubRequestKind.EventStream
            ? (response.StatusCode, "(an event stream)")
            : (response.StatusCode, await response.Content.ReadAsStringAsync().Within());
    }

    private static async Task<HttpStatusCode> WebSocketAsync(RawCredentials who, Uri connectionUrl)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (who.Bearer is { } token)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        socket.Options.Cookies = who.Cookies;
        try
        {
            await socket.ConnectAsync(new UriBuilder(connectionUrl) { Scheme = "ws" }.Uri, CancellationToken.None).Within();
        }
        catch (WebSocketException)
        {
            return (HttpStatusCode)socket.HttpStatusCode;
        }

        socket.Abort();
        return HttpStatusCode.SwitchingProtocols;
    }
}
