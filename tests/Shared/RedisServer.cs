using System.Diagnostics;

namespace QueryTags.SignalR.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, by default with no persistence, so a restart comes back
/// empty; a persistent one syncs every write to a folder of its own, so a restart after SIGKILL comes back with
/// all it had. It can be stopped and started again on the same port to play an outage. Linked into the test
/// projects as source.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string? _dataDirectory;
    private Process? _process;

    private RedisServer(int port, string? dataDirectory)
    {
        Port = port;
        _dataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var server = new RedisServer(LoopbackPorts.Free(), persistent ? Directory.CreateTempSubdirectory("querytags-redis-").FullName : null);
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
        foreach (var argument in LoopbackRedis.Arguments(Port, _dataDirectory))
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
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
