namespace QueryTags.SignalR.LoadTest.Processes;

/// <summary>Where the programs the load generator starts live.</summary>
internal static class BenchPaths
{
    /// <summary>The repository root: the folder above the build output that holds the solution.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The socket.io baseline: its server and its Node load clients.</summary>
    public static string SocketIoDirectory => Path.Combine(RepositoryRoot, "benchmarks", "socketio-server");

    /// <summary>This program again (file name and leading arguments), to start the <c>serve</c> command in its own process.</summary>
    public static (string FileName, string[] Arguments) Self()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var entry = typeof(BenchPaths).Assembly.Location;

        // Under `dotnet run` or `dotnet x.dll` the process is the dotnet host, which needs the assembly's path.
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? (host, [entry]) : (host, []);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "QueryTags.SignalR.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No QueryTags.SignalR.sln above {AppContext.BaseDirectory}.");
    }
}
