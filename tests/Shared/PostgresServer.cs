using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace QueryTags.SignalR.Testing;

/// <summary>
/// A real, throwaway PostgreSQL server: a new cluster (<c>initdb</c>) in a temp folder, listening on a free port of
/// 127.0.0.1 only, its unix socket in that folder, set up for logical replication (<c>wal_level=logical</c>, trust for
/// loopback and local connections, replication ones included). Disposing it stops it, a fast shutdown and then a kill
/// of the process it started, and deletes the folder. Linked into the test projects as source.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    // PostgreSQL refuses to run as root: a root test process runs initdb, the server and pg_ctl as this system user,
    // which Debian's postgresql package creates.
    private const string SystemUser = "postgres";
    private const string Superuser = "postgres";
    private const string ReadyLine = "database system is ready to accept connections";
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(15);

    private readonly string _binDirectory;
    private readonly StringBuilder _serverOutput = new();
    private Process? _process;

    private PostgresServer(string binDirectory, int port, string folder)
    {
        _binDirectory = binDirectory;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }

    /// <summary>The temp folder that holds the cluster and the unix socket; gone once the server is disposed.</summary>
    public string Folder { get; }

    /// <summary>An Npgsql connection string for the superuser <c>postgres</c> on database <c>postgres</c>, over TCP.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={Superuser};Database=postgres;Include Error Detail=true";

    private string DataDirectory => Path.Combine(Folder, "data");

    public static Task<PostgresServer> StartAsync() => StartAsync("logical");

    /// <summary>A server with the given <c>wal_level</c>, such as <c>replica</c> for a server that cannot capture changes.</summary>
    public static async Task<PostgresServer> StartAsync(string walLevel)
    {
        var server = new PostgresServer(FindBinDirectory(), LoopbackPorts.Free(), Directory.CreateTempSubdirectory("querytags-postgres-").FullName);
        try
        {
            await server.CreateClusterAsync();
            await server.RunAsync(walLevel);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> on <paramref name="database"/> with psql (the client Debian's package installs), a
    /// process of its own, as an operator or a script would; throws with psql's output when it fails.
    /// </summary>
    public Task PsqlAsync(string database, string sql) => RunToEndAsync(Redirected(new ProcessStartInfo(
        "psql", ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Superuser, "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])));

    private async Task CreateClusterAsync()
    {
        if (Environment.IsPrivilegedProcess)
        {
            await RunToEndAsync(Redirected(new ProcessStartInfo("chown", [$"{SystemUser}:", Folder])));
        }

        // --no-sync: a throwaway cluster need not survive a power cut, and syncing costs seconds.
        await RunToEndAsync(ServerProgram("initdb", "-D", DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"));

        // Only what the tests use: the unix socket, and TCP from 127.0.0.1 (the server listens nowhere else).
        // Overwriting keeps the file's owner, so a root test process leaves it readable by the server.
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), """
            local all         all              trust
            local replication all              trust
            host  all         all 127.0.0.1/32 trust
            host  replication all 127.0.0.1/32 trust

            """);
    }

    private async Task RunAsync(string walLevel)
    {
        var start = ServerProgram(
            "postgres",
            "-D", DataDirectory,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={Folder}",
            "-c", $"wal_level={walLevel}",
            // Each capture test leaves a slot of its own behind on the shared server (it costs nothing here).
            "-c", "max_wal_senders=40",
            "-c", "max_replication_slots=40",
            // A throwaway server: losing its data to a power cut costs nothing, syncing every commit costs time.
            "-c", "fsync=off",
            // The ready line below is read in English.
            "-c", "lc_messages=C");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (_serverOutput)
            {
                _serverOutput.AppendLine(line.Data);
            }

            if (line.Data.Contains(ReadyLine, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(StartBound)) != ready.Task)
        {
            var outcome = exited.IsCompleted ? $"exited with {_process.ExitCode}" : $"was not ready within {StartBound.TotalSeconds} s";
            throw new InvalidOperationException($"PostgreSQL on port {Port} {outcome}. Its output:\n{ServerOutput()}");
        }
    }

    private async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            // Fast shutdown ends the sessions and writes a checkpoint; the kill is for a server that did not stop.
            try
            {
                await RunToEndAsync(ServerProgram("pg_ctl", "stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", StopBound.TotalSeconds.ToString(CultureInfo.InvariantCulture)));
            }
            catch (InvalidOperationException)
            {
                // pg_ctl found no server to stop, or could not stop it: the process is waited for, then killed.
            }

            if (!_process.WaitForExit(StopBound))
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        _process = null;
    }

    private ProcessStartInfo ServerProgram(string program, params string[] arguments)
    {
        var path = Path.Combine(_binDirectory, program);
        var start = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", SystemUser, "--", path, .. arguments])
            : new ProcessStartInfo(path, arguments);

        // The system user may not enter the test's own folder.
        start.WorkingDirectory = Folder;
        return Redirected(start);
    }

    private static ProcessStartInfo Redirected(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return start;
    }

    private static async Task RunToEndAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{await error}{await output}");
        }
    }

    /// <summary>
    /// Debian keeps the server's programs off PATH, in one folder per major version (the newest is taken); elsewhere
    /// they are on PATH.
    /// </summary>
    private static string FindBinDirectory()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(version => File.Exists(Path.Combine(version, "bin", "initdb")))
                .OrderByDescending(version => int.TryParse(Path.GetFileName(version), out var major) ? major : 0)
                .Select(version => Path.Combine(version, "bin"))
                .FirstOrDefault()
            : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")));
        return debian ?? onPath ?? throw new InvalidOperationException(
            "PostgreSQL's initdb is neither in /usr/lib/postgresql/*/bin nor on PATH; run ./test.sh, which installs Debian's postgresql package.");
    }

    private string ServerOutput()
    {
        lock (_serverOutput)
        {
            return _serverOutput.ToString();
        }
    }
}
