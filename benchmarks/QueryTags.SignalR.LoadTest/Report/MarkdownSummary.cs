using System.Globalization;
using System.Text;
using QueryTags.SignalR.LoadTest.Clients;
using QueryTags.SignalR.LoadTest.Scenarios;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>The Markdown summary of a run: targets, ratios, every table, and how it was measured.</summary>
internal static class MarkdownSummary
{
    public static string Render(BenchResults results, Figures figures, string chartFile)
    {
        var md = new StringBuilder();
        md.Line($"# Load benchmark, {results.Started:yyyy-MM-dd} ({results.Mode} run, {results.Duration.TotalMinutes:0.0} min)");
        md.Line();
        md.Line(Headline(results, figures));
        md.Line($"![Latency against delivered rate]({chartFile})");
        md.Line();

        md.Line("## Broadcast sweep (scenario 1)");
        md.Line();
        md.Line($"Every connection holds `[\"bcast\"]`; the server invalidates it at rising rates until fewer than 80% of the deliveries arrive. A step is sustained when at least 95% arrive with p99 under 500 ms; a step that is not is measured once more and the better attempt kept, since near the knee one slow moment can tip a server into a backlog it does not work off within the window.");
        md.Line();
        StepTable(md, results.Steps.Where(step => step.Scenario == "broadcast"));

        md.Line("## Targeted and churn (scenarios 2 and 3)");
        md.Line();
        md.Line($"Each invalidation is one of 100 topics; a topic is held by 1% of connections. Churn adds {results.Profile.Churn.SwapsPerSecond:0} tag swaps/s (an unsubscribe and a subscribe each) and {results.Profile.Churn.ReconnectsPerSecond:0} reconnects/s over all connections. Messages/s above deliveries/s are invalidations the client received and dropped (naive broadcast).");
        md.Line();
        StepTable(md, results.Steps.Where(step => step.Scenario is "targeted" or "churn"));

        md.Line("## Two nodes over Redis (scenario 5)");
        md.Line();
        md.Line("Two server processes on one redis-server (SignalR's Redis backplane; our hub also keeps its log in Redis), connections split between them, every invalidation published on the first node. CPU and RSS are both nodes together, redis-server excluded. socket.io is not run on two nodes: it would need its Redis adapter.");
        md.Line();
        StepTable(md, results.Steps.Where(step => step.Scenario.StartsWith("two-node", StringComparison.Ordinal)));

        md.Line("## Idle capacity (scenario 4)");
        md.Line();
        if (results.Idle.Any(idle => idle.Transport == WebSocketTransport.Http2))
        {
            md.Line($"Over HTTP/1.1 every WebSocket is a TCP connection of its own, a file descriptor in the server and one in the client process, so the HTTP/1.1 rows hold as many connections as this machine's open-file limit lets one process have (see the notes), every system alike. To hold all of them in one server, the SignalR systems are measured over HTTP/2 too: WebSockets as streams of shared TCP connections (RFC 8441 extended CONNECT, cleartext with prior knowledge, Kestrel's default limits), up to 100 per connection (Kestrel's `MaxStreamsPerConnection`), hence the few server sockets. What differs is Kestrel's part of a connection: an HTTP/2 stream's state on a shared connection instead of a connection of its own (socket, transport, HTTP/1.1 request state); SignalR's and the hub's part is the same. socket.io's `ws` server has no HTTP/2 WebSockets: it has an HTTP/1.1 row only.");
            md.Line();
        }

        md.Line("| system | HTTP | connections | server sockets | tags each | empty RSS | loaded RSS | RSS per connection | RSS per connection, GC memory released | managed heap per connection | connect time | errors |");
        md.Line("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var idle in results.Idle)
        {
            md.Line($"| {Title(idle.System)} | {idle.Transport.Title()} | {idle.Connections:N0} | {Number(idle.ServerSockets)} | {idle.TagsPerConnection} | {idle.EmptyRssBytes / 1048576.0:0} MiB | {idle.LoadedRssBytes / 1048576.0:0} MiB | {idle.RssBytesPerConnection / 1000:0.0} KB | {(idle.ReleasedRssBytesPerConnection is { } released ? $"{released / 1000:0.0} KB" : "–")} | {idle.ManagedBytesPerConnection / 1000:0.0} KB | {idle.ConnectSeconds:0.0} s | {idle.Errors} |");
        }

        md.Line();
        if (results.Micro.Count > 0)
        {
            md.Line("## Micro-benchmarks (BenchmarkDotNet)");
            md.Line();
            md.Line("| benchmark | parameters | mean | ± | allocated |");
            md.Line("|---|---|--:|--:|--:|");
            foreach (var micro in results.Micro)
            {
                md.Line($"| {micro.Type}.{micro.Method} | {micro.Parameters} | {Nanoseconds(micro.MeanNanoseconds)} | {Nanoseconds(micro.ErrorNanoseconds)} | {micro.AllocatedBytes:N0} B |");
            }

            md.Line();
        }

        md.Line("## How it was measured");
        md.Line();
        foreach (var note in MethodNotes(results))
        {
            md.Line($"- {note}");
        }

        return md.ToString();
    }

    /// <summary>Machine, targets and ratios: the part the performance page (<c>docs/performance.md</c>) shows.</summary>
    public static string Headline(BenchResults results, Figures figures)
    {
        var md = new StringBuilder();
        var machine = results.Machine;
        md.Line($"Machine: {machine.Cores} cores ({machine.CpuModel}), {machine.MemoryGiB:0} GiB, {machine.Os}, {machine.DotNet}, Node {machine.Node}; load average {machine.LoadAverageAtStart:0.00} at the start; other programs used {OtherCpu(results)} of a core on average during the measured windows. The load generator and the servers share the machine (the clients' CPU is reported beside the server's), and the machine may be shared with other work, so the figures are noisy. WebSockets; MessagePack for SignalR, socket.io's default JSON. {results.Profile.Connections:N0} connections holding {results.Profile.TagsPerConnection} tags each unless said otherwise.");
        md.Line();
        md.Line("| target | measured | met |");
        md.Line("|---|---|:-:|");
        foreach (var target in figures.Targets)
        {
            md.Line($"| {target.Target} | {target.Measured} ({target.Note}) | {(target.Met is "no" or "partly" ? $"**{target.Met}**" : target.Met)} |");
        }

        md.Line();
        md.Line("| system | peak deliveries/s | max sustained deliveries/s | server CPU µs per delivery | broadcast @ latency rate p50 / p99 | targeted p50 / p99 | targeted bytes per delivery | churn deliveries/s, p99 | idle KB per connection, HTTP/1.1 / HTTP/2 |");
        md.Line("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var system in figures.Systems)
        {
            md.Line($"| {system.Title} | {Number(system.PeakDeliveries)} | {Number(system.MaxSustainedDeliveries)} | {Number(system.ServerCpuMicrosecondsPerDelivery, "0.00")} | {Latency(system.BroadcastAtLatencyRate)} | {Latency(system.Targeted)} | {Number(system.Targeted?.BytesPerDelivery)} | {Number(system.Churn?.DeliveriesPerSecond)}, {Number(system.Churn?.P99Ms, "0.0")} ms | {Number(system.Idle?.RssBytesPerConnection / 1000, "0.0")} / {Number(system.IdleHttp2?.RssBytesPerConnection / 1000, "0.0")} |");
        }

        md.Line();
        md.Line("Ratios, QueryTags.SignalR ÷ baseline (above 1 is more for us: good for rate, bad for cost, bytes, latency and memory):");
        md.Line();
        md.Line("| baseline | peak deliveries/s | sustained deliveries/s | server CPU per delivery | targeted bytes per delivery | targeted p99 | broadcast p99 | idle memory per connection, HTTP/1.1 / HTTP/2 |");
        md.Line("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var ratio in figures.Ratios)
        {
            md.Line($"| {ratio.Baseline} | {Number(ratio.PeakDeliveries, "0.00")} | {Number(ratio.SustainedDeliveries, "0.00")} | {Number(ratio.ServerCpuPerDelivery, "0.00")} | {Number(ratio.TargetedBytesPerDelivery, "0.000")} | {Number(ratio.TargetedP99, "0.00")} | {Number(ratio.BroadcastP99, "0.00")} | {Number(ratio.IdleBytesPerConnection, "0.00")} / {Number(ratio.IdleHttp2BytesPerConnection, "0.00")} |");
        }

        md.Line();
        return md.ToString();
    }

    private static void StepTable(StringBuilder md, IEnumerable<StepResult> steps)
    {
        md.Line("| system | scenario | nodes | conns | offered inval/s | published/s | deliveries/s (expected) | messages/s | p50 | p95 | p99 | max | server CPU | clients CPU | other CPU | server RSS | KiB/s read | bytes per delivery | sub calls/s | reconnects/s | errors |");
        md.Line("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var step in steps)
        {
            md.Line($"| {Title(step.System)} | {step.Scenario}{(step.Sustained ? "" : " (not sustained)")} | {step.Nodes} | {step.Connections:N0} | {step.OfferedRate:0} | {step.PublishedRate:0} | {step.DeliveriesPerSecond:N0} ({step.ExpectedDeliveriesPerSecond:N0}) | {step.MessagesPerSecond:N0} | {Ms(step.P50Ms)} | {Ms(step.P95Ms)} | {Ms(step.P99Ms)} | {Ms(step.MaxMs)} | {step.ServerCpuPercent:0}% | {step.ClientCpuPercent:0}% | {step.OtherCpuPercent:0}% | {step.ServerRssBytes / 1048576.0:0} MiB | {step.BytesPerSecond / 1024:N0} | {Number(step.BytesPerDelivery)} | {step.SubscribeCallsPerSecond:N0} | {step.ReconnectsPerSecond:N1} | {step.Errors + step.PublishFailures} |");
        }

        md.Line();
    }

    private static IEnumerable<string> MethodNotes(BenchResults results)
    {
        yield return "Each server runs in its own process, started by the load generator (`QueryTags.SignalR.LoadTest serve SYSTEM` for the SignalR systems, `node server.mjs` for socket.io), on a free port of 127.0.0.1. Every address used is loopback.";
        yield return "The publisher runs inside the server (`POST /bench/publish`): it stamps each invalidation with the time in microseconds (our hub: the `origin` field; the baselines: the same message type's `origin`), and the receiving client subtracts it from its own reading of the same clock: the machine's monotonic clock (`CLOCK_MONOTONIC`, read by .NET's `Stopwatch` and Node's `process.hrtime`), one clock for every process of the machine that setting the time does not move.";
        yield return "The SignalR baselines send our `InvalidationMessage` (without a cursor), so the bytes per message are alike and the difference is the server's work. The naive baseline sends to `Clients.All` and the clients drop what does not match their tags (counted in messages/s, not deliveries/s).";
        yield return "SignalR clients are .NET `HubConnection`s in the load generator's process (WebSockets over HTTP/1.1, and over HTTP/2 in the idle scenario's HTTP/2 rows; negotiation skipped; MessagePack). socket.io clients are `socket.io-client` 4.8.4 connections in two Node processes (Node runs one thread per process; two use both cores, as the .NET clients do), driven over standard input with the same plan (tags, source addresses, swap tags), the same tag filter, the same latency buckets and the same report. Their CPU is the clients CPU column. There is no .NET socket.io client to make them identical.";
        yield return "Latency percentiles come from a histogram of 1%-wide logarithmic buckets (read at the bucket's upper bound). Bytes are what the clients' sockets read (WebSocket frames, framing, pings), counted under the .NET clients' streams and from the Node sockets' `bytesRead`.";
        yield return $"CPU is utime + stime from `/proc/PID/stat` over the measured window, in % of one core (200% is the whole machine); RSS is `VmRSS` from `/proc/PID/status`. Other CPU is what the rest of the machine used in the same window (`/proc/stat` minus the server and client processes; it also holds kernel network work not charged to a process): the machine is shared, and a step with much other CPU measured a machine that was not ours. Each step first waits (up to {results.Profile.QuietWait.TotalSeconds:0} s) until other programs use under 25% of a core, and a step during which they used over 50% is measured once more, keeping the attempt they disturbed least. Per system the targeted and churn scenarios run first and the broadcast sweep last, since it ends by saturating the server.";
        yield return $"Idle memory: RSS of a fresh server warmed up by 50 connections that came and went, then with every connection open and holding its tags; each read {results.Profile.IdleSettle.TotalSeconds:0} s after a full blocking compacting collection in the server (`POST /bench/gc`; `global.gc()` in Node), which itself follows {results.Profile.IdleSettle.TotalSeconds:0} s of quiet. Server GC (the ASP.NET Core default) keeps memory it has committed for later allocations, which counts in RSS; the column \"GC memory released\" reads RSS once more after an aggressive collection (`GCCollectionMode.Aggressive`), which hands that memory back, so it is closer to what the connections themselves need (Node: the same full collection again). KB is 1,000 bytes.";
        if (results.Idle.FirstOrDefault(idle => idle.Connections < idle.Asked) is { } capped)
        {
            yield return $"Idle connections over {capped.Transport.Title()} were capped at {capped.Connections:N0} of {capped.Asked:N0}: every connection is a file descriptor in the server and one in the client process, and this machine's limit of open files per process is {results.Machine.OpenFileLimit:N0} (`bench.sh` asks for 65,536 and gets no more than the hard limit; raising that needs `CAP_SYS_RESOURCE`).";
        }

        yield return $"Connections come from 127.0.0.1, or from 127.0.0.1, 127.0.0.2, ... when one address's ephemeral ports would not suffice (about {new Clients.SourceAddresses(1).PortsPerAddress:N0} per address here).";
        yield return $"Workload: tags `[\"bcast\"]`, `[\"topic\", i % 100]` and {results.Workload.TagsPerConnection - 2} fillers `[\"todo\", id]` with ids drawn from a Zipf distribution (exponent {results.Workload.ZipfExponent}) over {results.Workload.FillerKeySpace:N0} ids; seeded, so every system holds the same tags.";
    }

    private static string OtherCpu(BenchResults results) =>
        results.Steps.Count == 0 ? "–" : $"{results.Steps.Average(step => step.OtherCpuPercent):0}%";

    private static string Title(string system) => BenchSystems.Parse(system).Title();

    private static string Ms(double? value) => value is { } ms ? ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "–";

    private static string Latency(StepResult? step) => step is null ? "–" : $"{Ms(step.P50Ms)} / {Ms(step.P99Ms)} ms";

    private static string Number(double? value, string format = "N0") => value is { } number ? number.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Nanoseconds(double value) => value >= 1000 ? $"{value / 1000:0.00} µs" : $"{value:0.0} ns";

    private static void Line(this StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
