using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace QueryTags.SignalR.LoadTest.Processes;

/// <summary>
/// A process this benchmark started (a server, a Node load client, redis-server). Its output is drained so it
/// never blocks on a full pipe, the last lines are kept for error messages, and disposing kills it and waits.
/// Its standard input stays open: the servers and Node clients exit when it closes, so they do not outlive this
/// process even when it is killed; on SIGINT or SIGTERM this process kills them itself first.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 40;
    private static readonly ConcurrentDictionary<ChildProcess, bool> Running = new();
    private static readonly PosixSignalRegistration[] StopSignals =
    [
        PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => KillAll()),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll()),
    ];

    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly Action<string>? _onLine;

    private ChildProcess(Process process, Action<string>? onLine)
    {
        _process = process;
        _onLine = onLine;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public StreamWriter StandardInput => _process.StandardInput;

    /// <param name="onLine">Sees every line of standard output and error, on a reader thread.</param>
    /// <param name="environment">Variables to set in the child's environment.</param>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        Action<string>? onLine = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        GC.KeepAlive(StopSignals);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process, onLine);
        process.OutputDataReceived += (_, e) => child.Received(e.Data);
        process.ErrorDataReceived += (_, e) => child.Received(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{fileName} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Running[child] = true;
        return child;
    }

    /// <summary>Sends SIGTERM, as an orchestrator stopping it would, and returns once it has exited.</summary>
    public async Task TerminateAsync()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        await _process.WaitForExitAsync();
    }

    public string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join(Environment.NewLine, _lastLines);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(this, out _);
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static void KillAll()
    {
        foreach (var child in Running.Keys)
        {
            child.Kill();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited in between.
        }
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }

        _onLine?.Invoke(line);
    }
}
