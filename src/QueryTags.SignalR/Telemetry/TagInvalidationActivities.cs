using System.Diagnostics;

namespace QueryTags.SignalR.Telemetry;

/// <summary>
/// The <c>QueryTags.SignalR</c> activity source: spans for publish (with log append, eviction and send as
/// children), subscribe and replay. Nothing is recorded unless a listener (OpenTelemetry's
/// <c>AddSource("QueryTags.SignalR")</c>) asks for it.
/// </summary>
internal static class TagInvalidationActivities
{
    public const string SourceName = "QueryTags.SignalR";

    public const string Publish = "querytags.publish";
    public const string LogAppend = "querytags.log.append";
    public const string Evict = "querytags.evict";
    public const string Send = "querytags.send";
    public const string Subscribe = "querytags.subscribe";
    public const string Replay = "querytags.replay";

    public static readonly ActivitySource Source = new(SourceName, typeof(TagInvalidationActivities).Assembly.GetName().Version?.ToString());

    /// <summary>The W3C id of the current activity (ours or the caller's, such as the request's), or null outside a trace.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="exception"/>, as OpenTelemetry reads it.</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("error.type", exception.GetType().FullName);
        activity.AddException(exception);
    }
}
