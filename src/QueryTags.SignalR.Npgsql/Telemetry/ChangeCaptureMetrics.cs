using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>
/// This package's instruments on the <c>QueryTags.SignalR</c> meter, and its <c>querytags.capture.publish</c> span
/// on the <c>QueryTags.SignalR</c> activity source.
/// </summary>
internal sealed class ChangeCaptureMetrics
{
    public const string MeterName = "QueryTags.SignalR";

    public static readonly ActivitySource Activities = new(MeterName, typeof(ChangeCaptureMetrics).Assembly.GetName().Version?.ToString());

    private readonly Counter<long> _published;
    private readonly Histogram<double> _delay;
    private readonly Counter<long> _resets;
    private readonly Counter<long> _tagsFailed;
    private long _lagBytes;
    private long _publishedCount;
    private long _resetCount;
    private double _lastDelayMs = double.NaN;

    public ChangeCaptureMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("querytags.capture.transactions.published", "{transaction}", "Committed transactions whose tags change capture published.");
        _delay = meter.CreateHistogram<double>("querytags.capture.delay", "ms", "Time from a transaction's commit to its invalidation being in the log.");
        meter.CreateObservableGauge("querytags.capture.lag", () => Volatile.Read(ref _lagBytes), "By", "Write-ahead log bytes between the server's end and the last transaction this node published.");
        _resets = meter.CreateCounter<long>("querytags.capture.resets", "{reset}", "Resets sent because captured changes were lost or unknown (a lost slot, a truncate, tags that could not be published).");
        _tagsFailed = meter.CreateCounter<long>("querytags.capture.tags.failed", "{row}", "Captured rows whose tags could not be computed (left out of their invalidation).");
    }

    /// <summary>Write-ahead log bytes between the server's end and the last transaction this node published.</summary>
    public long LagBytes => Volatile.Read(ref _lagBytes);

    /// <summary>Transactions this node published since it started.</summary>
    public long PublishedCount => Interlocked.Read(ref _publishedCount);

    /// <summary>Resets this node sent since it started.</summary>
    public long ResetCount => Interlocked.Read(ref _resetCount);

    /// <summary>The last published transaction's time from commit to the log, in ms; NaN before the first.</summary>
    public double LastDelayMs => Volatile.Read(ref _lastDelayMs);

    public void Published(TimeSpan delay)
    {
        var milliseconds = Math.Max(0, delay.TotalMilliseconds);
        _published.Add(1);
        _delay.Record(milliseconds);
        Interlocked.Increment(ref _publishedCount);
        Volatile.Write(ref _lastDelayMs, milliseconds);
    }

    public void Lag(ulong lagBytes) => Volatile.Write(ref _lagBytes, (long)Math.Min(lagBytes, long.MaxValue));

    public void Reset(string reason)
    {
        _resets.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Interlocked.Increment(ref _resetCount);
    }

    public void TagsFailed(Exception exception) =>
        _tagsFailed.Add(1, new KeyValuePair<string, object?>("error.type", exception.GetType().FullName));
}
