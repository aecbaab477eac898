using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// A hub connection spoken by hand over Server-Sent Events or long polling, in the JSON protocol: every message goes
/// out as a POST, and what the server sends is read from the event stream or the polls only when the test asks, so a
/// test can stop reading (or polling) whenever it likes.
/// </summary>
public sealed class RawHttpHub : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly Queue<string> _messages = new();
    private readonly StringBuilder _pending = new();
    private StreamReader? _events;
    private int _invocations;

    private RawHttpHub(HttpClient http, Uri url, HttpTransportType transport, string connectionId)
    {
        _http = http;
        _url = url;
        Transport = transport;
        ConnectionId = connectionId;
    }

    public HttpTransportType Transport { get; }

    public string ConnectionId { get; }

    /// <summary>The URL every request of this connection goes to: the hub's, with the connection token as <c>id</c>.</summary>
    public Uri ConnectionUrl => _url;

    /// <summary>Negotiates, opens the transport and completes the JSON handshake.</summary>
    /// <param name="receiveBuffer">The sockets' receive buffer in bytes (small: an event stream nobody reads fills it soon).</param>
    /// <param name="credentials">Who every request of the connection says it is; nobody unless given.</param>
    public static async Task<RawHttpHub> StartAsync(Uri hubUrl, HttpTransportType transport, int? receiveBuffer = null, RawCredentials? credentials = null)
    {
        var http = (credentials ?? RawCredentials.Nobody).Client(receiveBuffer);
        var (id, token) = await RawHubSocket.NegotiateAsync(http, hubUrl);
        var hub = new RawHttpHub(http, new Uri($"{hubUrl}?id={Uri.EscapeDataString(token)}"), transport, id);
        if (transport == HttpTransportType.ServerSentEvents)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, hub._url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within();
            response.EnsureSuccessStatusCode();
            hub._events = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8, false, 1024);
        }
        else
        {
            // The first poll answers at once: it tells the server the transport is long polling.
            using var first = await http.GetAsync(hub._url).Within();
            first.EnsureSuccessStatusCode();
        }

        await hub.PostAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"));
        var handshake = await hub.ReceiveAsync();
        if (handshake != "{}")
        {
            throw new InvalidOperationException($"The handshake failed: {handshake}");
        }

        return hub;
    }

    /// <summary>POSTs bytes as they are; the status the server answered.</summary>
    public async Task<HttpStatusCode> PostAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        using var response = await _http.PostAsync(_url, content).Within();
        return response.StatusCode;
    }

    /// <summary>An invocation with arguments written as JSON text; its invocation id.</summary>
    public async Task<string> InvokeAsync(string target, string argumentsJson)
    {
        var id = (++_invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await PostAsync(Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{target}\",\"arguments\":{argumentsJson}}}\u001e"));
        return id;
    }

    /// <summary>Reads until the invocation's completion arrives: its JSON text (null when the connection ended first).</summary>
    public async Task<string?> CompletionAsync(string invocationId)
    {
        while (await ReceiveAsync() is { } message)
        {
            if (message.StartsWith("{\"type\":3", StringComparison.Ordinal) && message.Contains($"\"invocationId\":\"{invocationId}\"", StringComparison.Ordinal))
            {
                return message;
            }
        }

        return null;
    }

    /// <summary>The next message other than a ping: from the event stream, or from as many polls as it takes. Null when the connection ended.</summary>
    public async Task<string?> ReceiveAsync()
    {
        while (true)
        {
            if (_messages.TryDequeue(out var message))
            {
                if (message == "{\"type\":6}")
                {
                    continue;
                }

                return message;
            }

            if (!await ReadMoreAsync())
            {
                return null;
            }
        }
    }

    private async Task<bool> ReadMoreAsync()
    {
        string text;
        if (_events is { } events)
        {
            // One event: its data lines, joined by new lines, up to the blank line that ends it.
            var data = new StringBuilder();
            while (await events.ReadLineAsync().Within() is { } line)
            {
                if (line.Length == 0 && data.Length > 0)
                {
                    break;
                }

                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(data.Length > 0 ? "\n" : "").Append(line.AsSpan(6));
                }
            }

            if (data.Length == 0)
            {
                return false;
            }

            text = data.ToString();
        }
        else
        {
            using var poll = await _http.GetAsync(_url).Within();
            if (poll.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            text = await poll.Content.ReadAsStringAsync();
        }

        _pending.Append(text);
        var all = _pending.ToString();
        var end = all.LastIndexOf(RecordSeparator);
        if (end >= 0)
        {
            foreach (var record in all[..end].Split(RecordSeparator))
            {
                _messages.Enqueue(record);
            }

            _pending.Clear().Append(all.AsSpan(end + 1));
        }

        return true;
    }

    public ValueTask DisposeAsync()
    {
        _events?.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
