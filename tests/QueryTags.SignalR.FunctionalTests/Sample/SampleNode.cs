using System.Diagnostics;
using System.Text.RegularExpressions;

namespace QueryTags.SignalR.FunctionalTests.Sample;

/// <summary>
/// The sample app (<c>samples/TodoApp</c>, as the solution build left it) in a process of its own on a free loopback
/// port, so a test can kill it with SIGKILL at any moment. Disposing kills it if it still runs.
/// </summary>
internal sealed partial class SampleNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output;

    private SampleNode(Process process, Uri address, List<string> output)
    {
        _process = process;
        Address = address;
        _output = output;
    }

    /// <summary>What the node wrote so far (warnings and above, and the library's information).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public Uri Address { get; }

    public HttpClient Http() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Starts a node on <paramref name="database"/> (a SQLite file) and <paramref name="redis"/>, and waits until it listens.</summary>
    public static Task<SampleNode> StartAsync(string database, string redis) =>
        StartAsync([$"--ConnectionStrings:Todos=Data Source={database}", "--Redis", redis]);

    /// <summary>Starts a node whose todos are in PostgreSQL with change capture on (<c>--Postgres</c>), and waits until it listens.</summary>
    public static Task<SampleNode> StartOnPostgresAsync(string connectionString) => StartAsync(["--Postgres", connectionString]);

    /// <summary>
    /// Starts a node on PostgreSQL with change capture (<c>--Postgres</c>) and on <paramref name="redis"/>, on
    /// <paramref name="port"/> when given (a node started again where its clients reconnect), and waits until it listens.
    /// </summary>
    public static Task<SampleNode> StartOnPostgresAsync(string connectionString, string redis, int port = 0) =>
        StartAsync(["--Postgres", connectionString, "--Redis", redis], port);

    private static async Task<SampleNode> StartAsync(string[] storage, int port = 0)
    {
        var root = RepositoryRoot();
        var project = Path.Combine(root, "samples", "TodoApp");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            Path.Combine(project, "bin", "Debug", "net10.0", "TodoApp.dll"),
            "--contentRoot", project,
            "--urls", $"http://127.0.0.1:{port}",
            .. storage,
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            "--Logging:LogLevel:QueryTags.SignalR=Debug",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the sample.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new SampleNode(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false), output);
        return node;

        void Read(string? line)
        {
            if (line is null)
            {
                listening.TrySetException(new InvalidOperationException($"The sample exited before it listened:\n{string.Join('\n', output)}"));
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            if (ListeningOn().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, whatever the process was doing.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "QueryTags.SignalR.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (QueryTags.SignalR.sln) is not above the test's folder.");
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
