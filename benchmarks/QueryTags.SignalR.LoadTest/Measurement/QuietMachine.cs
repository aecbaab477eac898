namespace QueryTags.SignalR.LoadTest.Measurement;

/// <summary>
/// Waits, within a limit, until the rest of the machine is quiet before a step is measured. The machine is
/// shared: a step measured while another program builds measures that program too. Each step still records the
/// CPU others used during its window, quiet or not.
/// </summary>
internal static class QuietMachine
{
    // Other programs may use this much of one core (in %) and the machine still counts as quiet.
    private const double QuietPercent = 25;
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(1);

    /// <param name="ours">The benchmark's processes (servers, Node clients; this one is always counted).</param>
    /// <returns>How long it waited.</returns>
    public static async Task<TimeSpan> WaitAsync(IReadOnlyCollection<int> ours, TimeSpan limit)
    {
        var started = DateTime.UtcNow;
        int[] pids = [.. ours.Append(Environment.ProcessId).Distinct()];
        while (DateTime.UtcNow - started < limit)
        {
            var machine = ProcessStats.MachineBusyTime();
            var mine = pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcessStats.CpuTime(pid));
            await Task.Delay(Sample);
            var others = ProcessStats.MachineBusyTime() - machine - (pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcessStats.CpuTime(pid)) - mine);
            if (100 * others.TotalSeconds / Sample.TotalSeconds < QuietPercent)
            {
                break;
            }
        }

        return DateTime.UtcNow - started;
    }
}
