using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// Figures a test measured (latencies, memory, counts): written to the test's output and, when the variable
/// <c>QUERYTAGS_MEASUREMENTS</c> names a file, appended to it, which is how <c>./test.sh</c> prints them.
/// </summary>
public static class Measurements
{
    private static readonly Lock Gate = new();

    public static void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("QUERYTAGS_MEASUREMENTS") is { Length: > 0 } path)
        {
            lock (Gate)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }

    /// <summary>The value below which <paramref name="percent"/> % of <paramref name="sorted"/> lie (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
