using System.Buffers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// A hub connection spoken by hand over a raw WebSocket: any frame at all can be sent, in the JSON or the
/// MessagePack protocol, and what the server answers is read back as it arrives (or not read at all). For tests of
/// what the server does with input no real client sends.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;
    private readonly Queue<byte[]> _pending = new();
    private readonly List<byte> _partial = [];
    private int _invocations;

    private RawHubSocket(ClientWebSocket socket, HttpMessageInvoker invoker, bool messagePack, string connectionId)
    {
        _socket = socket;
        _invoker = invoker;
        MessagePack = messagePack;
        ConnectionId = connectionId;
    }

    public bool MessagePack { get; }

    /// <summary>The hub's id of this connection (<c>HubCallerContext.ConnectionId</c>).</summary>
    public string ConnectionId { get; }

    public WebSocketState State => _socket.State;

    /// <summary>True once a receive gave up waiting (which aborts the socket).</summary>
    public bool TimedOut { get; private set; }

    /// <summary>The close status the server sent, once the socket closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Negotiates, opens the WebSocket and (unless told not to) completes the handshake.</summary>
    /// <param name="receiveBuffer">The socket's receive buffer in bytes (small: a reader that stops reading fills it soon).</param>
    public static async Task<RawHubSocket> ConnectAsync(Uri hubUrl, bool messagePack, bool handshake = true, int? receiveBuffer = null)
    {
        var (id, token) = await NegotiateAsync(hubUrl);
        var invoker = new HttpMessageInvoker(Handler(receiveBuffer));
        var socket = new ClientWebSocket();
        var url = new UriBuilder(hubUrl) { Scheme = "ws", Query = $"id={Uri.EscapeDataString(token)}" }.Uri;
        await socket.ConnectAsync(url, invoker, CancellationToken.None).Within();
        var connection = new RawHubSocket(socket, invoker, messagePack, id);
        if (handshake)
        {
            await connection.SendTextAsync(messagePack ? "{\"protocol\":\"messagepack\",\"version\":1}\u001e" : "{\"protocol\":\"json\",\"version\":1}\u001e");
            var answer = await connection.ReceiveHandshakeAsync();
            if (answer != "{}")
            {
                throw new InvalidOperationException($"The handshake failed: {answer}");
            }
        }

        return connection;
    }

    /// <summary>POST <c>negotiate</c>: the connection's id and the token a transport request names.</summary>
    public static async Task<(string Id, string Token)> NegotiateAsync(Uri hubUrl)
    {
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        return await NegotiateAsync(http, hubUrl);
    }

    /// <summary>POST <c>negotiate</c> with <paramref name="http"/> (and the credentials it sends).</summary>
    public static async Task<(string Id, string Token)> NegotiateAsync(HttpClient http, Uri hubUrl)
    {
        using var response = await http.PostAsync(new Uri(hubUrl + "/negotiate?negotiateVersion=1"), null).Within();
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        return (body.GetProperty("connectionId").GetString()!, body.GetProperty("connectionToken").GetString()!);
    }

    /// <summary>An HTTP handler whose sockets have a receive buffer of <paramref name="receiveBuffer"/> bytes, when given.</summary>
    public static SocketsHttpHandler Handler(int? receiveBuffer) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (receiveBuffer is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendAsync(ReadOnlyMemory<byte> frame, WebSocketMessageType type) =>
        _socket.SendAsync(frame, type, endOfMessage: true, CancellationToken.None).AsTask().Within();

    /// <summary>Sends one frame of this connection's protocol: JSON text plus the record separator, or a length-prefixed MessagePack message.</summary>
    public Task SendMessageAsync(ReadOnlyMemory<byte> message) => MessagePack
        ? SendAsync(LengthPrefixed(message.Span), WebSocketMessageType.Binary)
        : SendAsync((byte[])[.. message.Span, RecordSeparator], WebSocketMessageType.Text);

    /// <summary>An invocation of <paramref name="target"/> with arguments written as JSON text (JSON) or converted from that JSON (MessagePack).</summary>
    public async Task<string> InvokeAsync(string target, string argumentsJson)
    {
        var id = (++_invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendMessageAsync(MessagePack
            ? Invocation(id, target, MessagePackSerializer.ConvertFromJson(argumentsJson))
            : Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{target}\",\"arguments\":{argumentsJson}}}"));
        return id;
    }

    /// <summary>A MessagePack invocation message whose arguments are the MessagePack array <paramref name="arguments"/>, as they are.</summary>
    public static byte[] Invocation(string? invocationId, string target, ReadOnlyMemory<byte> arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(6);
        writer.Write(1);
        writer.WriteMapHeader(0);
        if (invocationId is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(invocationId);
        }

        writer.Write(target);
        writer.WriteRaw(arguments.Span);
        writer.WriteArrayHeader(0);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] LengthPrefixed(ReadOnlySpan<byte> message)
    {
        var prefix = new List<byte>();
        var length = (uint)message.Length;
        do
        {
            var next = (byte)(length & 0x7f);
            length >>= 7;
            prefix.Add(length > 0 ? (byte)(next | 0x80) : next);
        }
        while (length > 0);
        return [.. prefix, .. message];
    }

    /// <summary>
    /// The next message the server sent, as JSON text (a MessagePack message is converted), or null when the socket
    /// closed first. Pings are skipped.
    /// </summary>
    public async Task<string?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        while (true)
        {
            if (_pending.TryDequeue(out var message))
            {
                var text = MessagePack ? MessagePackSerializer.ConvertToJson(message) : Encoding.UTF8.GetString(message);
                if (text is "{\"type\":6}" or "[6]")
                {
                    continue;
                }

                return text;
            }

            if (!await ReadFrameAsync(cancel.Token))
            {
                return null;
            }
        }
    }

    /// <summary>Reads until the invocation's completion arrives: its JSON text (null when the socket closed first).</summary>
    public async Task<string?> CompletionAsync(string invocationId, TimeSpan? timeout = null)
    {
        while (await ReceiveAsync(timeout) is { } message)
        {
            if (IsCompletion(message, invocationId))
            {
                return message;
            }
        }

        return null;
    }

    /// <summary>Reads until the socket closes; the close message's JSON text if the server sent one.</summary>
    public async Task<string?> ClosedAsync(TimeSpan? timeout = null)
    {
        string? close = null;
        while (await ReceiveAsync(timeout) is { } message)
        {
            if (message.StartsWith("{\"type\":7", StringComparison.Ordinal) || message.StartsWith("[7", StringComparison.Ordinal))
            {
                close = message;
            }
        }

        return close;
    }

    private static bool IsCompletion(string message, string invocationId) =>
        message.StartsWith("{\"type\":3", StringComparison.Ordinal) && message.Contains($"\"invocationId\":\"{invocationId}\"", StringComparison.Ordinal)
        || message.StartsWith($"[3,{{}},\"{invocationId}\"", StringComparison.Ordinal);

    private async Task<string> ReceiveHandshakeAsync()
    {
        using var cancel = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var end = _partial.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var text = Encoding.UTF8.GetString(_partial.GetRange(0, end).ToArray());
                _partial.RemoveRange(0, end + 1);
                SplitMessages();
                return text;
            }

            var buffer = new byte[4096];
            var result = await _socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return "closed";
            }

            _partial.AddRange(buffer.AsSpan(0, result.Count));
        }
    }

    private async Task<bool> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseSent))
        {
            return false;
        }

        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        try
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken);
        }
        catch (WebSocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            // Nothing came in time; cancelling a receive aborts the socket, as closing would.
            TimedOut = true;
            return false;
        }

        if (result.MessageType == WebSocketMessageType.Close)
        {
            return false;
        }

        _partial.AddRange(buffer.AsSpan(0, result.Count));
        SplitMessages();
        return true;
    }

    private void SplitMessages()
    {
        while (_partial.Count > 0)
        {
            if (!MessagePack)
            {
                var end = _partial.IndexOf(RecordSeparator);
                if (end < 0)
                {
                    return;
                }

                _pending.Enqueue(_partial.GetRange(0, end).ToArray());
                _partial.RemoveRange(0, end + 1);
                continue;
            }

            var length = 0;
            var shift = 0;
            var index = 0;
            while (true)
            {
                if (index >= _partial.Count)
                {
                    return;
                }

                var next = _partial[index++];
                length |= (next & 0x7f) << shift;
                shift += 7;
                if ((next & 0x80) == 0)
                {
                    break;
                }
            }

            if (_partial.Count < index + length)
            {
                return;
            }

            _pending.Enqueue(_partial.GetRange(index, length).ToArray());
            _partial.RemoveRange(0, index + length);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        await Task.CompletedTask;
    }
}
