using System.Runtime.InteropServices;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>The machine a run was measured on, read from <c>/proc</c>: results mean little without it.</summary>
internal sealed record MachineInfo(
    int Cores,
    string CpuModel,
    double MemoryGiB,
    string Os,
    string DotNet,
    string Node,
    double LoadAverageAtStart,
    long OpenFileLimit)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        ProcLine("/proc/cpuinfo", "model name") ?? "unknown",
        Math.Round(double.Parse(ProcLine("/proc/meminfo", "MemTotal")?.Split(' ')[0] ?? "0", System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024, 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        NodeVersion(),
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture),
        Measurement.ProcessStats.OpenFileLimit());

    private static string? ProcLine(string file, string key) => File.ReadLines(file)
        .Where(line => line.StartsWith(key, StringComparison.Ordinal))
        .Select(line => line[(line.IndexOf(':') + 1)..].Trim())
        .FirstOrDefault();

    private static string NodeVersion()
    {
        try
        {
            using var node = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
            var version = node?.StandardOutput.ReadToEnd().Trim();
            node?.WaitForExit();
            return version ?? "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
