using System.Globalization;

namespace QueryTags.SignalR.LoadTest.Measurement;

/// <summary>CPU time and resident memory of a process, read from <c>/proc</c> (Linux only, like the benchmark).</summary>
internal static class ProcessStats
{
    // USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>User plus system CPU time so far.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>
    /// CPU time every process of the machine used so far (all cores): with the benchmark's own processes taken
    /// away, what other programs took from it during a window.
    /// </summary>
    public static TimeSpan MachineBusyTime()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is inside user.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        return TimeSpan.FromSeconds(busy / ClockTicksPerSecond);
    }

    /// <summary>Resident set size (VmRSS) in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line.");
    }

    /// <summary>The sockets a process holds open (its TCP connections and listeners): the links in <c>/proc/PID/fd</c> to <c>socket:[inode]</c>.</summary>
    public static int OpenSockets(int pid) =>
        new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos()
            .Count(descriptor => descriptor.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>The soft limit of open files of this process, which every socket counts against.</summary>
    public static long OpenFileLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields[0] == "unlimited" ? long.MaxValue : long.Parse(fields[0], CultureInfo.InvariantCulture);
            }
        }

        return long.MaxValue;
    }
}
