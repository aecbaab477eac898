using System.Globalization;
using System.Text;
using System.Text.Json;
using QueryTags.SignalR.LoadTest.Scenarios;
using QueryTags.SignalR.LoadTest.Server;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>Writes the herd runs as <c>&lt;date&gt;-herd.json</c> and <c>.md</c> (the table docs/performance.md quotes).</summary>
internal static class HerdReport
{
    public static string Render(IReadOnlyList<HerdRun> runs, string command)
    {
        var text = new StringBuilder();
        var machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
        text.AppendLine(CultureInfo.InvariantCulture, $"# Refetch herd, {DateTime.UtcNow:yyyy-MM-dd}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`{command}` on {machine}. Each tab is the real npm client with a TanStack QueryClient in Node, two tagged queries (one on screen, one off; refetchType \"all\"); the node resets every connection at 0 ms and the data endpoint (at most {HerdEndpoints.DatabaseConnections} at once, {HerdEndpoints.QueryTime.TotalMilliseconds} ms each, as a database pool) records each request. Times are ms after the reset.")
            .AppendLine()
            .AppendLine("| spread | tabs reset | window told | refetches | peak per 100 ms | peak per second (sliding) | first arrives | last arrives | last ends | longest queue wait | failed |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {run.Spread} | {run.ResetsHeard:N0} of {run.ResetConnections:N0} | {run.SpreadMsTold:N0} ms | {run.Refetches:N0} of {run.ExpectedRefetches:N0} | {run.PeakPer100Ms:N0} | {run.PeakPerSecond:N0} | {run.FirstArrivalMs:N0} | {run.LastArrivalMs:N0} | {run.LastEndMs:N0} | {run.LongestWaitMs:N0} | {run.FailedFetches:N0} |");
        }

        return text.ToString();
    }

    public static IReadOnlyList<string> Write(IReadOnlyList<HerdRun> runs, string command, string directory)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"{DateTime.UtcNow:yyyy-MM-dd}-herd");
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(new { command, runs }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllText(stem + ".md", Render(runs, command));
        return [stem + ".json", stem + ".md"];
    }
}
