using System.Globalization;

namespace QueryTags.SignalR.LoadTest.Workload;

/// <summary>
/// The publish time a server writes into each invalidation (our hub's free-text <c>origin</c>, the baselines'
/// payload) and the receiver subtracts from its own clock. Wall-clock microseconds since the Unix epoch, because
/// publisher and receiver are different processes (Node ones too): a monotonic clock is not comparable across them.
/// </summary>
internal static class PublishTimestamp
{
    public static long NowMicroseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static string Format(long microseconds) => microseconds.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out long microseconds) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out microseconds);
}
