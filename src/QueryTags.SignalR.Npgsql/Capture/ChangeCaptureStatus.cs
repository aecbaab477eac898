namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>Where this node's capture stands, for the health check and the diagnostics endpoint.</summary>
internal sealed class ChangeCaptureStatus
{
    private volatile State _state = new("starting", "starting", null);

    public string Description => _state.Description;

    /// <summary>One word for what the node does: starting, reading, standing-by or failed.</summary>
    public string Phase => _state.Phase;

    public Exception? Failure => _state.Failure;

    public void Reading(string slot) => _state = new("reading", $"reading slot {slot}", null);

    public void StandingBy(string slot) => _state = new("standing-by", $"standing by: another node reads slot {slot}", null);

    public void Failed(string slot, Exception exception) => _state = new("failed", $"cannot read slot {slot}: {exception.Message}", exception);

    private sealed record State(string Phase, string Description, Exception? Failure);
}
