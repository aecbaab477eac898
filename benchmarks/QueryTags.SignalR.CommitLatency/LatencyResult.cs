namespace QueryTags.SignalR.CommitLatency;

/// <summary>One path at one offered rate: what was committed, what reached the holder, and how long it took.</summary>
internal sealed record LatencyResult(string Path, int OfferedRate, double CommittedRate, int Committed, int Received, double P50, double P99, double Max)
{
    public static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
