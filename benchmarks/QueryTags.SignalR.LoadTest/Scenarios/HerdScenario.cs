using System.Text.Json;
using QueryTags.SignalR.LoadTest.Processes;
using QueryTags.SignalR.LoadTest.Server;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>
/// A refetch herd: browser tabs of the real npm client (<c>benchmarks/herd-clients/herd-clients.mjs</c>, Node processes)
/// hold tags on our hub with two cached queries each; the node resets them all at once, as after a restart with the
/// in-memory log, and they refetch from the server's data endpoint (<see cref="HerdEndpoints"/>), which records when
/// each request arrived and ended.
/// </summary>
internal static class HerdScenario
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(5);

    // The longest window (60 s) and then some: a run whose refetches do not all arrive ends here and says so.
    private static readonly TimeSpan CollectTimeout = TimeSpan.FromSeconds(90);

    /// <param name="spreadMs">The server's RefetchSpread in ms (0: off), or null for its default.</param>
    public static async Task<HerdRun> RunAsync(int tabs, int processes, int? spreadMs)
    {
        await using var server = await ServerProcess.StartAsync(BenchSystem.QueryTags, serveOptions: spreadMs is { } ms ? ["--refetch-spread", ms.ToString(System.Globalization.CultureInfo.InvariantCulture)] : null);
        var hub = server.ClientUrl.ToString();
        var data = new Uri(server.Address, "/bench/herd/data").ToString();
        var script = Path.Combine(BenchPaths.RepositoryRoot, "benchmarks", "herd-clients", "herd-clients.mjs");
        var workers = new List<(ChildProcess Process, HerdWorkerLines Lines)>();
        try
        {
            for (var w = 0; w < processes; w++)
            {
                var lines = new HerdWorkerLines();
                var count = tabs / processes + (w < tabs % processes ? 1 : 0);
                workers.Add((ChildProcess.Start("node", [script, hub, data, count.ToString(System.Globalization.CultureInfo.InvariantCulture)], lines.Received), lines));
            }

            var connected = 0;
            foreach (var (process, lines) in workers)
            {
                connected += int.Parse(await lines.Ready.WaitAsync(ReadyTimeout), System.Globalization.CultureInfo.InvariantCulture);
            }

            var reset = await server.HerdResetAsync();
            var expected = connected * 2;
            var began = DateTime.UtcNow;
            double[][] requests = [];
            while (DateTime.UtcNow - began < CollectTimeout)
            {
                await Task.Delay(500);
                var now = await server.HerdRefetchesAsync();
                var settled = now.Length >= expected && now.Length == requests.Length;
                Console.WriteLine($"herd: {now.Length} of {expected} refetches after {(DateTime.UtcNow - began).TotalSeconds:N1} s");
                requests = now;
                if (settled)
                {
                    break;
                }
            }

            var reports = new List<JsonElement>();
            foreach (var (process, lines) in workers)
            {
                var report = lines.Expect("report");
                await process.StandardInput.WriteLineAsync("report");
                await process.StandardInput.FlushAsync();
                var answered = await Task.WhenAny(report, Task.Delay(TimeSpan.FromSeconds(30)));
                reports.Add(answered == report
                    ? JsonDocument.Parse(await report).RootElement
                    : throw new InvalidOperationException($"A herd worker did not answer report within 30 s:{Environment.NewLine}{process.LastLines()}"));
            }

            return HerdRun.From(spreadMs, tabs, connected, reset, expected, requests, reports);
        }
        finally
        {
            foreach (var (process, _) in workers)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>The answers a worker printed, each line's first word naming what it answers.</summary>
    private sealed class HerdWorkerLines
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, TaskCompletionSource<string>> _expected = [];

        public HerdWorkerLines() => Ready = Expect("ready");

        /// <summary>The count of connected tabs the worker printed once they had all started.</summary>
        public Task<string> Ready { get; }

        /// <summary>The next line that starts with <paramref name="word"/>, without it; call before asking for it.</summary>
        public Task<string> Expect(string word)
        {
            var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _expected[word] = answer;
            }

            return answer.Task;
        }

        public void Received(string line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            lock (_gate)
            {
                if (space > 0 && _expected.Remove(line[..space], out var answer))
                {
                    answer.TrySetResult(line[(space + 1)..]);
                }
            }
        }
    }
}

/// <summary>One herd run's figures: requests to the data endpoint after the reset, times in ms after it.</summary>
internal sealed record HerdRun(
    string Spread,
    int Tabs,
    int Connected,
    int ResetConnections,
    int ResetsHeard,
    int SpreadMsTold,
    int ExpectedRefetches,
    int Refetches,
    int PeakPer100Ms,
    int PeakPerSecond,
    double FirstArrivalMs,
    double LastArrivalMs,
    double LastEndMs,
    double LongestWaitMs,
    int FailedFetches)
{
    public static HerdRun From(int? spreadMs, int tabs, int connected, int reset, int expected, double[][] requests, IReadOnlyList<JsonElement> reports)
    {
        var arrivals = requests.Select(request => request[0]).Order().ToArray();
        int Peak(double bucketMs) => arrivals.Length == 0 ? 0 : arrivals.GroupBy(at => Math.Floor(at / bucketMs)).Max(bucket => bucket.Count());

        // A sliding second: the most requests that arrived within any 1,000 ms.
        var perSecond = 0;
        for (int first = 0, last = 0; last < arrivals.Length; last++)
        {
            while (arrivals[last] - arrivals[first] >= 1000)
            {
                first++;
            }

            perSecond = Math.Max(perSecond, last - first + 1);
        }

        return new HerdRun(
            spreadMs switch { null => "default", 0 => "off", { } ms => $"{ms} ms" },
            tabs,
            connected,
            reset,
            reports.Sum(report => report.GetProperty("resets").GetInt32()),
            reports.Max(report => report.GetProperty("spreadMs").GetInt32()),
            expected,
            requests.Length,
            Peak(100),
            perSecond,
            arrivals.FirstOrDefault(),
            arrivals.LastOrDefault(),
            requests.Length == 0 ? 0 : requests.Max(request => request[1]),
            requests.Length == 0 ? 0 : requests.Max(request => request[1] - request[0] - HerdEndpoints.QueryTime.TotalMilliseconds),
            reports.Sum(report => report.GetProperty("failed").GetInt32()));
    }
}
