using System.Net;
using System.Net.Sockets;

namespace QueryTags.SignalR.LoadTest.Processes;

/// <summary>A <c>redis-server</c> on a free loopback port with no persistence, for the two-node scenario.</summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Pid;

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync()
    {
        var port = FreePort();
        var process = ChildProcess.Start("redis-server", ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        var redis = new RedisProcess(process, port);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await redis.AnswersPingAsync())
            {
                return redis;
            }

            await Task.Delay(100);
        }

        var output = process.LastLines();
        await redis.DisposeAsync();
        throw new InvalidOperationException($"redis-server on port {port} did not answer PING:{Environment.NewLine}{output}");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
