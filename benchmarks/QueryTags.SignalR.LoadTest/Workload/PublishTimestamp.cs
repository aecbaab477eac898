using System.Diagnostics;
using System.Globalization;

namespace QueryTags.SignalR.LoadTest.Workload;

/// <summary>
/// The publish time a server writes into each invalidation (our hub's free-text <c>origin</c>, the baselines'
/// payload) and the receiver subtracts from its own clock: microseconds of the machine's monotonic clock. On Linux
/// <see cref="Stopwatch"/> reads <c>CLOCK_MONOTONIC</c>, one clock for every process of the machine (time since
/// boot), which Node's <c>process.hrtime</c> reads too, so publisher and receiver agree across processes; and
/// unlike the system clock it does not move when the time is set (this machine's jitters by milliseconds, which
/// showed up as latencies of 0 between two Node processes anchored at different moments).
/// </summary>
internal static class PublishTimestamp
{
    public static long NowMicroseconds() => (long)((double)Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency);

    public static string Format(long microseconds) => microseconds.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out long microseconds) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out microseconds);
}
