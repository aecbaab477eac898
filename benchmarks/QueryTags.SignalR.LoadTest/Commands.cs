using QueryTags.SignalR.LoadTest.Report;
using QueryTags.SignalR.LoadTest.Scenarios;
using QueryTags.SignalR.LoadTest.Server;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest;

/// <summary>The command line: <c>run</c> (the benchmark), <c>smoke</c> (what test.sh runs), <c>serve</c> (a server under test).</summary>
internal static class Commands
{
    private const string Usage = """
        usage:
          run [--quick] [--out DIR] [--micro BENCHMARKDOTNET-RESULTS] [--systems querytags,signalr-groups,signalr-broadcast,socketio]
              [--scenarios fan-out,two-node,idle]
              [--connections N] [--tags K] [--ids M] [--zipf S] [--rate R] [--idle-connections N]
              the scenarios for the systems (all by default); writes DIR/<date>.json, .md and .svg (DIR: benchmarks/results)
              N connections (1,000) each hold K tags (10): ["bcast"], ["topic", i % 100] and K-2 ["todo", id] with ids
              drawn from a Zipf distribution of exponent S (1; 0 is uniform) over M ids (10,000); the targeted and churn
              scenarios invalidate at R per second (100). Any of these makes it a "custom" run (<date>-custom.*).
          report RESULTS.json [--out DIR]
              renders an earlier run's .md and .svg again (and docs/performance.md, for a full run of everything)
          smoke
              a few seconds against our hub: exits 0 when deliveries arrived and nothing failed (no timing checks), then
              SIGTERM to a server with 1,000 connections of QueryTags' .NET client: prints how long its process took to exit
          drain [--connections N]
              stopping a node with N connections (1,000) of QueryTags' .NET client: SIGTERM to one server (its process's
              exit time), then a rolling deploy of two nodes on Redis behind a YARP balancer (exit time, when the
              clients were back on the other node, whether they heard every invalidation published across the move)
          herd [--clients N] [--processes P]
              a refetch herd: N browser tabs (2,000) of the real npm client with a TanStack QueryClient each, in P Node
              processes (4), receive a reset and refetch from a counted data endpoint; once with the server's default
              refetch spread, once with none. Writes DIR/<date>-herd.json and .md (DIR: benchmarks/results)
          serve SYSTEM [--redis HOST:PORT | --refetch-spread MS]
              the server process of a SignalR system (the load generator starts it)
        """;

    // The options that change the workload or its size: name → smallest value, whole number or not, how it applies.
    private static readonly Dictionary<string, (double Min, bool Whole, Func<BenchProfile, double, BenchProfile> Apply)> WorkloadOptions = new()
    {
        ["--connections"] = (1, true, (profile, value) => profile with { Connections = (int)value }),
        ["--tags"] = (2, true, (profile, value) => profile with { TagsPerConnection = (int)value }),
        ["--ids"] = (1, true, (profile, value) => profile with { FillerKeySpace = (int)value }),
        ["--zipf"] = (0, false, (profile, value) => profile with { ZipfExponent = value }),
        ["--rate"] = (0.1, false, (profile, value) => profile with { LatencyRate = value }),
        ["--idle-connections"] = (1, true, (profile, value) => profile with { IdleConnections = (int)value }),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return args switch
            {
                ["run", .. var rest] => await RunBenchmarkAsync(rest),
                ["smoke"] => await SmokeAsync(),
                ["drain"] => await DrainAsync(1000),
                ["drain", "--connections", var count] => await DrainAsync((int)Number("--connections", count, 1, whole: true)),
                ["report", var json] => Report(json, output: null),
                ["report", var json, "--out", var output] => Report(json, output),
                ["serve", var system] => await ServeAsync(BenchSystems.Parse(system), redis: null),
                ["serve", var system, "--redis", var redis] => await ServeAsync(BenchSystems.Parse(system), redis),
                ["serve", var system, "--refetch-spread", var ms] => await ServeAsync(BenchSystems.Parse(system), redis: null, TimeSpan.FromMilliseconds(Number("--refetch-spread", ms, 0, whole: true))),
                ["herd", .. var rest] => await HerdAsync(rest),
                _ => Fail(Usage),
            };
        }
        catch (ArgumentException ex)
        {
            return Fail($"{ex.Message}{Environment.NewLine}{Usage}");
        }
    }

    private static async Task<int> RunBenchmarkAsync(string[] args)
    {
        var profile = BenchProfile.Full;
        var output = ResultFiles.DefaultDirectory;
        string? micro = null;
        IReadOnlyList<BenchSystem> systems = BenchSystems.All;
        IReadOnlyCollection<string> scenarios = BenchRunner.ScenarioGroups;
        var custom = new List<Func<BenchProfile, BenchProfile>>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    profile = BenchProfile.Quick;
                    break;
                case "--out" when i + 1 < args.Length:
                    output = Path.GetFullPath(args[++i]);
                    break;
                case "--micro" when i + 1 < args.Length:
                    micro = Path.GetFullPath(args[++i]);
                    break;
                case "--systems" when i + 1 < args.Length:
                    systems = [.. args[++i].Split(',').Select(BenchSystems.Parse)];
                    break;
                case "--scenarios" when i + 1 < args.Length:
                    scenarios = args[++i].Split(',');
                    if (scenarios.Except(BenchRunner.ScenarioGroups).FirstOrDefault() is { } unknown)
                    {
                        throw new ArgumentException($"Unknown scenario group '{unknown}'; one of: {string.Join(", ", BenchRunner.ScenarioGroups)}.");
                    }

                    break;
                case var option when WorkloadOptions.TryGetValue(option, out var workloadOption) && i + 1 < args.Length:
                    var value = Number(option, args[++i], workloadOption.Min, workloadOption.Whole);
                    custom.Add(current => workloadOption.Apply(current, value));
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}' (or it misses its value).");
            }
        }

        if (custom.Count > 0)
        {
            profile = custom.Aggregate(profile with { Name = "custom" }, (current, apply) => apply(current));
            if (profile.FillerKeySpace < profile.TagsPerConnection)
            {
                throw new ArgumentException($"--ids {profile.FillerKeySpace} is fewer than the {profile.TagsPerConnection} tags each connection holds.");
            }
        }

        var started = DateTime.UtcNow;
        var (steps, idle) = await BenchRunner.RunAsync(profile, systems, scenarios, Console.WriteLine);
        var results = new BenchResults(
            started,
            DateTime.UtcNow - started,
            profile.Name,
            MachineInfo.Read(),
            BenchRunner.Workload(profile),
            profile,
            steps,
            idle,
            micro is null ? [] : MicroBenchmarkResult.Read(micro));
        var complete = systems.Count == BenchSystems.All.Count && scenarios.Count == BenchRunner.ScenarioGroups.Count;
        var files = ResultFiles.Write(results, output, complete);
        Console.WriteLine($"wrote {string.Join(", ", files)}");
        return 0;
    }

    private static int Report(string json, string? output)
    {
        var results = ResultFiles.Read(Path.GetFullPath(json));
        var systems = results.Steps.Select(step => step.System).Concat(results.Idle.Select(idle => idle.System)).Distinct().Count();
        var complete = systems == BenchSystems.All.Count
            && results.Idle.Count > 0
            && results.Steps.Any(step => step.Nodes > 1)
            && results.Steps.Any(step => step.Scenario == "broadcast");
        var files = ResultFiles.Write(results, output ?? Path.GetDirectoryName(Path.GetFullPath(json))!, complete);
        Console.WriteLine($"wrote {string.Join(", ", files)}");
        return 0;
    }

    private static async Task<int> SmokeAsync()
    {
        var profile = BenchProfile.Smoke;
        var steps = await FanOutScenarios.RunAsync(BenchSystem.QueryTags, profile, BenchRunner.Workload(profile), Console.WriteLine);
        var problems = steps
            .Where(step => step.DeliveriesPerSecond <= 0 || step.Errors > 0 || step.PublishFailures > 0)
            .Select(step => $"{step.Scenario}: {step.DeliveriesPerSecond:0} deliveries/s, {step.Errors} client errors, {step.PublishFailures} failed publishes")
            .ToList();
        if (steps.FirstOrDefault(step => step.Scenario == "churn") is { SubscribeCallsPerSecond: <= 0 } or { ReconnectsPerSecond: <= 0 })
        {
            problems.Add("churn: no subscribe calls or no reconnects completed");
        }

        // A stopping server with a thousand connections that reconnect: printed, with a bound far above what it takes
        // (about a second) and below the host's 30 s shutdown timeout, which clients let back in used to hold it for.
        var exit = await DrainScenario.RunOneNodeAsync(1000, Console.WriteLine);
        if (exit > TimeSpan.FromSeconds(15))
        {
            problems.Add($"drain: the server process took {exit.TotalSeconds:0.0} s to exit after SIGTERM");
        }

        Console.WriteLine(problems.Count == 0 ? "smoke: deliveries arrived, nothing failed" : $"smoke failed:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", problems)}");
        return problems.Count == 0 ? 0 : 1;
    }

    private static async Task<int> HerdAsync(string[] args)
    {
        var (tabs, processes) = (2000, 4);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            _ = args[i] switch
            {
                "--clients" => tabs = (int)Number("--clients", args[i + 1], 1, whole: true),
                "--processes" => processes = (int)Number("--processes", args[i + 1], 1, whole: true),
                _ => throw new ArgumentException($"herd does not know {args[i]}."),
            };
        }

        if (args.Length % 2 != 0)
        {
            throw new ArgumentException($"{args[^1]} needs a value.");
        }

        var runs = new List<HerdRun>();
        foreach (var spread in new int?[] { 0, null })
        {
            var run = await HerdScenario.RunAsync(tabs, processes, spread);
            Console.WriteLine(run);
            runs.Add(run);
        }

        var command = $"dotnet run -c Release --project benchmarks/QueryTags.SignalR.LoadTest -- herd {string.Join(' ', args)}".TrimEnd();
        Console.WriteLine(HerdReport.Render(runs, command));
        foreach (var file in HerdReport.Write(runs, command, ResultFiles.DefaultDirectory))
        {
            Console.WriteLine($"wrote {file}");
        }

        return 0;
    }

    private static async Task<int> DrainAsync(int connections)
    {
        await DrainScenario.RunOneNodeAsync(connections, Console.WriteLine);
        await DrainScenario.RunRollingAsync(connections, Console.WriteLine);
        return 0;
    }

    private static async Task<int> ServeAsync(BenchSystem system, string? redis, TimeSpan? refetchSpread = null)
    {
        var app = BenchServerApp.Build(system, redis, refetchSpread);

        // The load generator holds this process's standard input: when it closes, the load generator is gone.
        _ = Task.Run(async () =>
        {
            await Console.In.ReadToEndAsync();
            await app.StopAsync();
        });
        await app.RunAsync();
        return 0;
    }

    private static double Number(string option, string text, double min, bool whole)
    {
        var valid = double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= min && (!whole || (value == Math.Floor(value) && value <= int.MaxValue));
        return valid
            ? value
            : throw new ArgumentException($"{option} needs {(whole ? "a whole number" : "a number")} of at least {min}, not '{text}'.");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
