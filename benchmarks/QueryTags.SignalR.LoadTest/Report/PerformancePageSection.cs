namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>
/// Puts the headline of a full run (machine, targets, ratios) into the performance page, <c>docs/performance.md</c>,
/// between the markers of its "Latest full run" section, so the page always shows the latest full run. Quick runs
/// leave it alone.
/// </summary>
internal static class PerformancePageSection
{
    public const string Begin = "<!-- performance:begin (written by ./bench.sh from the latest full run) -->";
    public const string End = "<!-- performance:end -->";

    /// <summary>The page, in the repository.</summary>
    public static string DefaultPath { get; } = Path.Combine(Processes.BenchPaths.RepositoryRoot, "docs", "performance.md");

    /// <returns>False when the page has no markers (nothing is written).</returns>
    public static bool Update(string pagePath, BenchResults results, Figures figures, string summaryPath)
    {
        var page = File.ReadAllText(pagePath);
        var begin = page.IndexOf(Begin, StringComparison.Ordinal);
        var end = page.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            return false;
        }

        // The link to the run's summary starts from the page's own folder.
        var relative = Path.GetRelativePath(Path.GetDirectoryName(pagePath)!, summaryPath).Replace('\\', '/');
        var section = $"{Begin}\nLatest full run: {results.Started:yyyy-MM-dd} ([summary, every table and how it was measured]({relative})).\n\n{MarkdownSummary.Headline(results, figures)}";
        File.WriteAllText(pagePath, string.Concat(page.AsSpan(0, begin), section, page.AsSpan(end)));
        return true;
    }
}
