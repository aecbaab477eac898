namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>
/// Puts the headline of a full run (machine, targets, ratios) into the root README, between the markers of its
/// Performance section, so the README always shows the latest full run. Quick runs leave it alone.
/// </summary>
internal static class ReadmePerformanceSection
{
    public const string Begin = "<!-- performance:begin (written by ./bench.sh from the latest full run) -->";
    public const string End = "<!-- performance:end -->";

    /// <returns>False when the README has no markers (nothing is written).</returns>
    public static bool Update(string readmePath, BenchResults results, Figures figures, string summaryPath)
    {
        var readme = File.ReadAllText(readmePath);
        var begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            return false;
        }

        var relative = Path.GetRelativePath(Path.GetDirectoryName(readmePath)!, summaryPath).Replace('\\', '/');
        var section = $"{Begin}\nLatest full run: {results.Started:yyyy-MM-dd} ([summary, every table and how it was measured]({relative})).\n\n{MarkdownSummary.Headline(results, figures)}";
        File.WriteAllText(readmePath, string.Concat(readme.AsSpan(0, begin), section, readme.AsSpan(end)));
        return true;
    }
}
