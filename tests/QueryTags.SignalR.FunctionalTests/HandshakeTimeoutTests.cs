using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A WebSocket that never sends SignalR's handshake is closed at <see cref="TagInvalidationOptions.HandshakeTimeout"/>.
/// SignalR answers it at the timeout, then its WebSocket transport sends a close frame and waits for the client's reply
/// up to its own close timeout (5 s by default): a client that does not reply held its socket until twice the
/// handshake timeout. Spoken over a plain TCP socket, which replies to nothing. The server here waits 30 s for a close
/// reply, so "closed at the handshake timeout" and "closed at the close timeout" are far apart.
/// </summary>
public sealed class HandshakeTimeoutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_WebSocket_that_never_handshakes_is_closed_at_the_handshake_timeout()
    {
        await using var server = await StartAsync();
        var open = Stopwatch.StartNew();
        using var socket = await UpgradeAsync(server);

        // Closed within the test's wait, which the WebSocket close timeout (30 s) is far beyond: the socket was cut,
        // not held for a close reply that never comes.
        await ReadToEndAsync(socket).WaitAsync(TimeSpan.FromSeconds(15));

        output.WriteLine($"closed {open.Elapsed.TotalSeconds:F1} s after the upgrade request (handshake timeout {HandshakeTimeout.TotalSeconds} s, WebSocket close timeout 30 s)");
    }

    [Fact]
    public async Task A_refused_handshake_is_still_told_why()
    {
        await using var server = await StartAsync();

        // Sent with the upgrade request, so it is refused at once, well before the timeout.
        using var socket = await UpgradeAsync(server, MaskedTextFrame("{\"protocol\":\"carrier-pigeon\",\"version\":1}\u001e"));
        var answer = await ReadUntilAsync(socket, "not supported.");

        Assert.Contains("The protocol 'carrier-pigeon' is not supported.", answer, StringComparison.Ordinal);
    }

    private static async Task<KestrelServer> StartAsync()
    {
        var builder = KestrelServer.AppBuilder();
        builder.Services.AddTagInvalidation(options => options.HandshakeTimeout = HandshakeTimeout).AddSignalR();
        var app = builder.Build();
        app.MapTagInvalidation(configure: connections => connections.WebSockets.CloseTimeout = TimeSpan.FromSeconds(30));
        return await KestrelServer.StartAsync(app);
    }

    // The upgrade without negotiating (as SignalR's skipNegotiation does), and any first frame right behind it; read up
    // to the end of the 101 answer.
    private static async Task<Socket> UpgradeAsync(KestrelServer server, byte[]? firstFrame = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Address.Host, server.Address.Port).Within();
        await socket.SendAsync((byte[])[.. Encoding.ASCII.GetBytes(
            $"GET {server.HubUrl.AbsolutePath} HTTP/1.1\r\nHost: {server.Address.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"), .. firstFrame ?? []]);
        var answer = await ReadUntilAsync(socket, "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 101", answer, StringComparison.Ordinal);
        return socket;
    }

    private static async Task<string> ReadUntilAsync(Socket socket, string end)
    {
        var read = new StringBuilder();
        var buffer = new byte[1];
        while (!read.ToString().Contains(end, StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(buffer, SocketFlags.None).Within() == 0)
            {
                break;
            }

            read.Append((char)buffer[0]);
        }

        return read.ToString();
    }

    // Until the server closes the connection: its end of stream, or a reset.
    private static async Task ReadToEndAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(40)) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    // A client's frame is masked (RFC 6455); a zero mask keeps the payload as it is.
    private static byte[] MaskedTextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        Assert.True(payload.Length < 126);
        return [0x81, (byte)(0x80 | payload.Length), 0, 0, 0, 0, .. payload];
    }
}
