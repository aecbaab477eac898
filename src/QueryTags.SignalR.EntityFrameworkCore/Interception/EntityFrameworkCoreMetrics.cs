using System.Diagnostics.Metrics;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>This package's instruments on the <c>QueryTags.SignalR</c> meter.</summary>
internal sealed class EntityFrameworkCoreMetrics
{
    public const string MeterName = "QueryTags.SignalR";

    private static readonly Lazy<Meter> SharedMeter = new(() => new Meter(MeterName));

    private readonly Counter<long> _publishFailed;
    private readonly Counter<long> _tagsFailed;

    /// <param name="meterFactory">The app's meter factory; without one, a meter of this assembly's own.</param>
    public EntityFrameworkCoreMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? SharedMeter.Value;
        _publishFailed = meter.CreateCounter<long>("querytags.efcore.publish.failed", "{invalidation}", "Invalidations of saved changes whose publish failed (the save itself succeeded).");
        _tagsFailed = meter.CreateCounter<long>("querytags.efcore.tags.failed", "{entity}", "Changed entities whose tags could not be computed (left out of their invalidation).");
    }

    public void PublishFailed(Exception exception) =>
        _publishFailed.Add(1, new KeyValuePair<string, object?>("error.type", exception.GetType().FullName));

    public void TagsFailed(Exception exception) =>
        _tagsFailed.Add(1, new KeyValuePair<string, object?>("error.type", exception.GetType().FullName));
}
