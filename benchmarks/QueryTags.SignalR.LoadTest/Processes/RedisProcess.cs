using QueryTags.SignalR.Testing;

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
        var port = LoopbackPorts.Free();
        var redis = new RedisProcess(ChildProcess.Start("redis-server", LoopbackRedis.Arguments(port)), port);
        if (await LoopbackRedis.WaitUntilReadyAsync(port, TimeSpan.FromSeconds(10)))
        {
            return redis;
        }

        var output = redis._process.LastLines();
        await redis.DisposeAsync();
        throw new InvalidOperationException($"redis-server on port {port} did not answer PING:{Environment.NewLine}{output}");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
