using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace QueryTags.SignalR.Testing;

/// <summary>
/// How the tests and the load benchmark run a throwaway <c>redis-server</c>: on a free port of 127.0.0.1, with
/// no persistence (a restart comes back empty) unless asked, and when it is ready. Linked into both projects as source.
/// </summary>
internal static class LoopbackRedis
{
    /// <summary>
    /// The <c>redis-server</c> command-line arguments for <paramref name="port"/>; with a <paramref name="dataDirectory"/>,
    /// every write is appended to a file there and synced before Redis answers (<c>appendfsync always</c>), so a
    /// server killed with SIGKILL and started again on that folder comes back with all it had.
    /// </summary>
    public static string[] Arguments(int port, string? dataDirectory = null) =>
        dataDirectory is null
            ? ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
            : ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dataDirectory, "--daemonize", "no"];

    /// <summary>Waits until the server on <paramref name="port"/> answers PING; false when it did not within <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitUntilReadyAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            if (await AnswersPingAsync(port))
            {
                return true;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }

    private static async Task<bool> AnswersPingAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
            return read > 0 && buffer.AsSpan(0, read).StartsWith("+PONG"u8);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
