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

    /// <summary>
    /// The W3C id of the current activity (ours or the caller's, such as the request's) when it is recorded, or
    /// null. A trace nobody records is not worth its 70 bytes on every copy: ASP.NET Core starts an activity for
    /// every request, traced or not.
    /// </summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;

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
