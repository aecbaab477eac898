using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>
/// The capture's figures on the diagnostics endpoint (<c>sections.capture</c>): whether this node reads the slot, how
/// far behind the server's log it is, and how long its last transaction took from commit to the log. Counts and
/// positions only: no row, tag or error text (an error may name the server or its user).
/// </summary>
internal sealed class ChangeCaptureDiagnosticsSection(ChangeCaptureStatus status, ChangeCaptureMetrics metrics, IOptions<PostgresChangeCaptureOptions> options)
    : ITagInvalidationDiagnosticsSection
{
    public string Name => "capture";

    public ValueTask<JsonNode?> ReadAsync(CancellationToken cancellationToken)
    {
        var lastDelay = metrics.LastDelayMs;
        return ValueTask.FromResult<JsonNode?>(new JsonObject
        {
            ["state"] = status.Phase,
            ["slot"] = options.Value.SlotName,
            ["lagBytes"] = metrics.LagBytes,
            ["lastDelayMs"] = double.IsNaN(lastDelay) ? null : Math.Round(lastDelay, 2),
            ["published"] = metrics.PublishedCount,
            ["resets"] = metrics.ResetCount,
        });
    }
}
