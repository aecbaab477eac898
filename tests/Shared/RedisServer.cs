using System.Diagnostics;

namespace QueryTags.SignalR.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, with no persistence, so a restart comes back empty. It
/// can be stopped and started again on the same port to play an outage. Linked into the test projects as source.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(LoopbackRedis.FreePort());
        await server.RestartAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        Stop();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in LoopbackRedis.Arguments(Port))
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start; run ./test.sh, which installs it.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!await LoopbackRedis.WaitUntilReadyAsync(Port, TimeSpan.FromSeconds(15)))
        {
            throw new TimeoutException($"redis-server on port {Port} did not answer PING.");
        }
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
