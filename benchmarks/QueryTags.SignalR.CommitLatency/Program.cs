using System.Globalization;
using System.Text;
using QueryTags.SignalR.CommitLatency;
using QueryTags.SignalR.Testing;

// Commit-to-client latency of each path from a committed PostgreSQL transaction to a holder's client, at 100 and
// 1,000 committed transactions/s. Usage: CommitLatency [--quick] [--out FILE.md]. It starts its own PostgreSQL
// (Debian's, in a temp folder, on a free loopback port) and stops it.
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
var duration = TimeSpan.FromSeconds(quick ? 6 : 20);
int[] rates = [100, 1000];

await using var postgres = await PostgresServer.StartAsync();
var results = new List<LatencyResult>();
foreach (var path in CommitPath.All)
{
    foreach (var rate in rates)
    {
        Console.WriteLine($"== {path.Name} at {rate} transactions/s for {duration.TotalSeconds} s");
        var result = await LatencyRun.RunAsync(postgres, path, rate, duration);
        Console.WriteLine($"   committed {result.Committed} ({result.CommittedRate:F0}/s), received {result.Received}, p50 {result.P50:F2} ms, p99 {result.P99:F2} ms, max {result.Max:F2} ms");
        results.Add(result);
    }
}

var report = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Commit-to-client latency, {DateTime.UtcNow:yyyy-MM-dd}, {(quick ? "quick" : "full")} run ({duration.TotalSeconds} s per row, the first second left out), {Environment.ProcessorCount} cores.")
    .AppendLine()
    .AppendLine("| path | offered tx/s | committed tx/s | committed | received | p50 ms | p99 ms | max ms |")
    .AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
foreach (var r in results)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Path} | {r.OfferedRate:N0} | {r.CommittedRate:N0} | {r.Committed:N0} | {r.Received:N0} | {r.P50:F2} | {r.P99:F2} | {r.Max:F2} |");
}

Console.WriteLine();
Console.Write(report);
if (output is not null)
{
    await File.WriteAllTextAsync(output, report.ToString());
}
