using System.Diagnostics;

namespace QueryTags.SignalR.Telemetry;

/// <summary>
/// The <c>QueryTags.SignalR</c> activity source: spans <c>querytags.publish</c> (with <c>querytags.log.append</c>,
/// <c>querytags.evict</c> and <c>querytags.send</c> as children), <c>querytags.subscribe</c> and its
/// <c>querytags.replay</c>. Nothing is recorded unless a listener (OpenTelemetry's
/// <c>AddSource("QueryTags.SignalR")</c>) asks for it.
/// </summary>
internal static class TagInvalidationActivities
{
    public const string SourceName = "QueryTags.SignalR";

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
