namespace QueryTags.SignalR.LoadTest.Measurement;

/// <summary>
/// Publish→receive latencies in microseconds, in logarithmic buckets 1% wide. Recording is lock-free, so every
/// connection's receive loop can record into one histogram. The Node load clients bucket with the same formula
/// (<c>load-clients.mjs</c>), so their counts merge with ours and every system is read the same way.
/// </summary>
internal sealed class LatencyHistogram
{
    public const int BucketCount = 2000;
    private static readonly double LogGrowth = Math.Log(1.01);
    private readonly long[] _counts = new long[BucketCount];
    private long _maxMicroseconds;

    public long Count => _counts.Sum();

    public long MaxMicroseconds => Interlocked.Read(ref _maxMicroseconds);

    public static int BucketOf(long microseconds) =>
        Math.Clamp((int)Math.Floor(Math.Log(1 + Math.Max(0, microseconds)) / LogGrowth), 0, BucketCount - 1);

    /// <summary>The largest latency a bucket holds: percentiles are read at most 1% high, never low.</summary>
    public static double UpperBoundMicroseconds(int bucket) => Math.Exp((bucket + 1) * LogGrowth) - 1;

    public void Record(long microseconds)
    {
        Interlocked.Increment(ref _counts[BucketOf(microseconds)]);
        RaiseMax(microseconds);
    }

    /// <summary>Adds counts read from another process (a Node load client).</summary>
    public void Add(int bucket, long count) => Interlocked.Add(ref _counts[bucket], count);

    public void RaiseMax(long microseconds)
    {
        var max = Interlocked.Read(ref _maxMicroseconds);
        while (microseconds > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicroseconds, microseconds, max);
            if (seen == max)
            {
                return;
            }

            max = seen;
        }
    }

    public void Merge(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        RaiseMax(other.MaxMicroseconds);
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the samples lie, in milliseconds; null when empty.</summary>
    public double? PercentileMilliseconds(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBoundMicroseconds(i), MaxMicroseconds) / 1000;
            }
        }

        return MaxMicroseconds / 1000.0;
    }
}
