using System.Text.Json;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>One BenchmarkDotNet result, read from its JSON exporter's output (bench.sh runs the micro-benchmarks first).</summary>
internal sealed record MicroBenchmarkResult(string Type, string Method, string Parameters, double MeanNanoseconds, double ErrorNanoseconds, long AllocatedBytes)
{
    /// <param name="path">A BenchmarkDotNet <c>*-report-full-compressed.json</c> or <c>*-report-brief.json</c>, or a folder of them.</param>
    public static IReadOnlyList<MicroBenchmarkResult> Read(string path)
    {
        var files = Directory.Exists(path) ? Directory.GetFiles(path, "*-report*.json").Order(StringComparer.Ordinal).ToArray() : [path];
        var results = new List<MicroBenchmarkResult>();
        foreach (var file in files)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                if (!benchmark.TryGetProperty("Statistics", out var statistics) || statistics.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                results.Add(new MicroBenchmarkResult(
                    benchmark.GetProperty("Type").GetString() ?? "",
                    benchmark.GetProperty("Method").GetString() ?? "",
                    benchmark.GetProperty("Parameters").GetString() ?? "",
                    statistics.GetProperty("Mean").GetDouble(),
                    statistics.TryGetProperty("ConfidenceInterval", out var interval) ? interval.GetProperty("Margin").GetDouble() : 0,
                    benchmark.TryGetProperty("Memory", out var memory) ? memory.GetProperty("BytesAllocatedPerOperation").GetInt64() : 0));
            }
        }

        return results;
    }
}
