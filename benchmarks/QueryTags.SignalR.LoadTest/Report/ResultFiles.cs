using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>
/// Writes a run as <c>&lt;date&gt;.json</c> (everything), <c>&lt;date&gt;.md</c> (the summary) and
/// <c>&lt;date&gt;.svg</c> (latency against delivered rate), with <c>-quick</c> after the date for a quick run; a
/// full run of everything also updates the performance page (<c>docs/performance.md</c>).
/// </summary>
internal static class ResultFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Where results go unless <c>--out</c> says otherwise: <c>benchmarks/results</c>.</summary>
    public static string DefaultDirectory { get; } = Path.Combine(Processes.BenchPaths.RepositoryRoot, "benchmarks", "results");

    /// <summary>Reads the results of an earlier run back from its <c>.json</c>, to render them again.</summary>
    public static BenchResults Read(string jsonPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(jsonPath));
        return document.RootElement.GetProperty("results").Deserialize<BenchResults>(Json)
            ?? throw new InvalidOperationException($"{jsonPath} holds no results.");
    }

    /// <param name="complete">Every system and every scenario ran: only such a full run may stand on the performance page.</param>
    public static IReadOnlyList<string> Write(BenchResults results, string directory, bool complete)
    {
        Directory.CreateDirectory(directory);
        // A quick run on the day of a full one must not overwrite it.
        var date = results.Started.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var name = results.Mode == Scenarios.BenchProfile.Full.Name ? date : $"{date}-{results.Mode}";
        var figures = Figures.From(results);
        var json = Path.Combine(directory, $"{name}.json");
        var markdown = Path.Combine(directory, $"{name}.md");
        var chart = Path.Combine(directory, $"{name}.svg");
        File.WriteAllText(json, JsonSerializer.Serialize(new { results, figures }, Json) + "\n");
        File.WriteAllText(chart, LatencyChart.Render(results));
        File.WriteAllText(markdown, MarkdownSummary.Render(results, figures, Path.GetFileName(chart)));
        var page = PerformancePageSection.DefaultPath;

        // The page links the summary: only results written to the repository's own folder may stand there.
        var published = Path.GetFullPath(directory).TrimEnd('/') == Path.GetFullPath(DefaultDirectory).TrimEnd('/');
        return complete && published && results.Mode == Scenarios.BenchProfile.Full.Name && PerformancePageSection.Update(page, results, figures, markdown)
            ? [json, markdown, chart, page]
            : [json, markdown, chart];
    }
}
