using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using QueryTags.SignalR.LoadTest.Measurement;
using QueryTags.SignalR.LoadTest.Processes;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// The socket.io load connections of a run: there is no .NET socket.io client, so they are real
/// <c>socket.io-client</c> connections in Node processes (<c>load-clients.mjs</c>) given the same plan (tags,
/// source addresses, swap tags). They filter, time (same monotonic clock, same histogram buckets) and count as the
/// .NET clients do, and answer one JSON line per command on standard output.
/// </summary>
internal sealed class NodeLoadClients : ILoadClients
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private readonly List<Worker> _workers;
    private readonly string _planDirectory;

    private NodeLoadClients(List<Worker> workers, string planDirectory)
    {
        _workers = workers;
        _planDirectory = planDirectory;
    }

    public int Connected { get; private set; }

    public long ConnectErrors { get; private set; }

    public IReadOnlyList<int> ProcessIds => [.. _workers.Select(worker => worker.Process.Pid)];

    /// <param name="processes">Node is single-threaded: the connections are split over this many processes.</param>
    public static async Task<NodeLoadClients> ConnectAsync(LoadPlan plan, int processes, int concurrency)
    {
        var planDirectory = Directory.CreateTempSubdirectory("querytags-load-").FullName;
        var workers = new List<Worker>();
        var clients = new NodeLoadClients(workers, planDirectory);
        try
        {
            for (var w = 0; w < processes; w++)
            {
                var connections = plan.Connections.Where(connection => connection.Index % processes == w).ToArray();
                var planFile = Path.Combine(planDirectory, $"worker-{w}.json");
                await File.WriteAllTextAsync(planFile, new JsonObject
                {
                    ["concurrency"] = Math.Max(1, concurrency / processes),
                    ["connections"] = new JsonArray([.. connections.Select(connection => (JsonNode)new JsonObject
                    {
                        ["url"] = connection.Server.ToString(),
                        ["source"] = connection.Source?.ToString(),
                        ["tags"] = new JsonArray([.. connection.Tags.Select(tag => (JsonNode)tag.Canonical)]),
                    })]),
                    ["swapTags"] = new JsonArray([.. plan.SwapTags.Select(tag => (JsonNode)tag.Canonical)]),
                }.ToJsonString());
                workers.Add(Worker.Start(planFile));
            }

            foreach (var ready in await Task.WhenAll(workers.Select(worker => worker.NextAsync())))
            {
                clients.Connected += ready["connected"]!.GetValue<int>();
                clients.ConnectErrors += ready["errors"]!.GetValue<long>();
            }

            return clients;
        }
        catch
        {
            await clients.DisposeAsync();
            throw;
        }
    }

    public async Task<ClientWindow> CollectAsync()
    {
        var windows = await Task.WhenAll(_workers.Select(async worker => ToWindow(await worker.CommandAsync(new JsonObject { ["cmd"] = "collect" }))));
        return ClientWindow.Sum(windows);
    }

    public Task StartChurnAsync(ChurnRates rates) => Task.WhenAll(_workers.Select(worker => worker.CommandAsync(new JsonObject
    {
        ["cmd"] = "churn",
        ["swapsPerSecond"] = rates.SwapsPerSecond / _workers.Count,
        ["reconnectsPerSecond"] = rates.ReconnectsPerSecond / _workers.Count,
    })));

    public Task StopChurnAsync() => Task.WhenAll(_workers.Select(worker => worker.CommandAsync(new JsonObject { ["cmd"] = "churn-stop" })));

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            if (!worker.Process.HasExited)
            {
                try
                {
                    await worker.CommandAsync(new JsonObject { ["cmd"] = "close" }).WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
                {
                    // Killed below either way; closing first only lets the server see clean disconnects.
                }
            }

            await worker.Process.DisposeAsync();
        }

        Directory.Delete(_planDirectory, recursive: true);
    }

    private static ClientWindow ToWindow(JsonObject answer)
    {
        var latency = new LatencyHistogram();
        foreach (var pair in answer["buckets"]!.AsArray())
        {
            latency.Add(pair![0]!.GetValue<int>(), pair[1]!.GetValue<long>());
        }

        latency.RaiseMax(answer["maxUs"]!.GetValue<long>());
        return new ClientWindow(
            answer["deliveries"]!.GetValue<long>(),
            answer["messages"]!.GetValue<long>(),
            answer["bytes"]!.GetValue<long>(),
            answer["errors"]!.GetValue<long>(),
            answer["subscribeCalls"]!.GetValue<long>(),
            answer["reconnects"]!.GetValue<long>(),
            latency);
    }

    /// <summary>One Node process: commands on standard input, one JSON answer line each on standard output.</summary>
    private sealed class Worker
    {
        private readonly Channel<JsonObject> _answers = Channel.CreateUnbounded<JsonObject>();
        private readonly SemaphoreSlim _commands = new(1, 1);

        private Worker(string planFile) =>
            Process = ChildProcess.Start("node", ["load-clients.mjs", planFile], OnLine, workingDirectory: BenchPaths.SocketIoDirectory);

        public ChildProcess Process { get; }

        public static Worker Start(string planFile) => new(planFile);

        public async Task<JsonObject> NextAsync()
        {
            var answer = await _answers.Reader.ReadAsync().AsTask().WaitAsync(CommandTimeout);
            return answer["type"]?.GetValue<string>() == "error"
                ? throw new InvalidOperationException($"A Node load client failed: {answer["message"]}{Environment.NewLine}{Process.LastLines()}")
                : answer;
        }

        public async Task<JsonObject> CommandAsync(JsonObject command)
        {
            await _commands.WaitAsync();
            try
            {
                await Process.StandardInput.WriteLineAsync(command.ToJsonString());
                await Process.StandardInput.FlushAsync();
                return await NextAsync();
            }
            finally
            {
                _commands.Release();
            }
        }

        private void OnLine(string line)
        {
            if (line.StartsWith("{\"type\":", StringComparison.Ordinal) && JsonNode.Parse(line) is JsonObject answer)
            {
                _answers.Writer.TryWrite(answer);
            }
        }
    }
}
