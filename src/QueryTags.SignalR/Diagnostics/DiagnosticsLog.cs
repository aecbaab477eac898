namespace QueryTags.SignalR.Internal;

/// <summary>What goes wrong while the diagnostics endpoint answers.</summary>
internal static partial class DiagnosticsLog
{
    [LoggerMessage(40, LogLevel.Warning, "The diagnostics section {Section} failed; it is answered {{ \"error\": \"failed\" }} and the others are unaffected.", EventName = nameof(SectionFailed))] public static partial void SectionFailed(ILogger logger, string section, Exception exception);
}
