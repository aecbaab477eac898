using System.Globalization;
using System.Text;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Report;

/// <summary>
/// The SVG chart of the broadcast sweep: publish→receive latency (p50 dashed, p99 solid, log scale) against the
/// delivered rate, one colour per system. Written by hand: a few lines and labels need no charting library.
/// </summary>
internal static class LatencyChart
{
    private const int Width = 760, Height = 440, Left = 70, Right = 190, Top = 40, Bottom = 50;
    private const double MinMs = 0.1, MaxMs = 10_000;
    private static readonly Dictionary<string, string> Colours = new()
    {
        [BenchSystem.QueryTags.Id()] = "#d62728",
        [BenchSystem.SignalRGroups.Id()] = "#1f77b4",
        [BenchSystem.SignalRBroadcast.Id()] = "#7f7f7f",
        [BenchSystem.SocketIo.Id()] = "#2ca02c",
    };

    public static string Render(BenchResults results)
    {
        var sweeps = BenchSystems.All
            .Select(system => (System: system, Steps: results.Steps.Where(step => step.System == system.Id() && step.Scenario == "broadcast" && step.P50Ms is not null).ToList()))
            .Where(sweep => sweep.Steps.Count > 0)
            .ToList();
        var maxRate = NiceCeiling(sweeps.SelectMany(sweep => sweep.Steps).Select(step => step.DeliveriesPerSecond).DefaultIfEmpty(1).Max());
        double X(double rate) => Left + (rate / maxRate * (Width - Left - Right));
        double Y(double ms) => Top + ((Math.Log10(MaxMs) - Math.Log10(Math.Clamp(ms, MinMs, MaxMs))) / (Math.Log10(MaxMs) - Math.Log10(MinMs)) * (Height - Top - Bottom));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">""").AppendLine();
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left}" y="22" font-size="14" font-weight="bold">Broadcast fan-out: publish→receive latency against delivered rate ({results.Mode} run, {results.Started:yyyy-MM-dd})</text>""").AppendLine();
        foreach (var ms in new[] { 0.1, 1, 10, 100, 1000, 10_000 })
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" y1="{Y(ms):0.0}" x2="{Width - Right}" y2="{Y(ms):0.0}" stroke="#ddd"/><text x="{Left - 6}" y="{Y(ms) + 4:0.0}" text-anchor="end">{ms} ms</text>""").AppendLine();
        }

        for (var i = 0; i <= 4; i++)
        {
            var rate = maxRate * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{X(rate):0.0}" y1="{Top}" x2="{X(rate):0.0}" y2="{Height - Bottom}" stroke="#eee"/><text x="{X(rate):0.0}" y="{Height - Bottom + 16}" text-anchor="middle">{rate / 1000:0}k</text>""").AppendLine();
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{(Left + Width - Right) / 2}" y="{Height - 12}" text-anchor="middle">deliveries per second (every connection holds the tag)</text>""").AppendLine();
        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{Left}" y="{Top}" width="{Width - Left - Right}" height="{Height - Top - Bottom}" fill="none" stroke="#333"/>""").AppendLine();

        var legendY = Top + 10;
        foreach (var (system, steps) in sweeps)
        {
            var colour = Colours[system.Id()];
            foreach (var (quantile, dash) in new[] { ((Func<Scenarios.StepResult, double?>)(step => step.P50Ms), "4 3"), (step => step.P99Ms, "") })
            {
                var points = string.Join(' ', steps.Select(step => string.Create(CultureInfo.InvariantCulture, $"{X(step.DeliveriesPerSecond):0.0},{Y(quantile(step)!.Value):0.0}")));
                svg.Append(CultureInfo.InvariantCulture, $"""<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>""").AppendLine();
                foreach (var step in steps)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{X(step.DeliveriesPerSecond):0.0}" cy="{Y(quantile(step)!.Value):0.0}" r="3" fill="{(step.Sustained ? colour : "white")}" stroke="{colour}"/>""").AppendLine();
                }
            }

            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Width - Right + 12}" y1="{legendY}" x2="{Width - Right + 32}" y2="{legendY}" stroke="{colour}" stroke-width="2"/><text x="{Width - Right + 38}" y="{legendY + 4}">{system.Title()}</text>""").AppendLine();
            legendY += 20;
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Width - Right + 12}" y="{legendY + 10}">solid: p99, dashed: p50</text>""").AppendLine();
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Width - Right + 12}" y="{legendY + 28}">hollow: not sustained</text>""").AppendLine();
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(1, value))));
        return new[] { 1, 2, 2.5, 4, 5, 10 }.Select(step => step * magnitude).First(candidate => candidate >= value);
    }
}
