namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>Where this node's capture stands, for the health check.</summary>
internal sealed class ChangeCaptureStatus
{
    private volatile State _state = new("starting", null);

    public string Description => _state.Description;

    public Exception? Failure => _state.Failure;

    public void Reading(string slot) => _state = new($"reading slot {slot}", null);

    public void StandingBy(string slot) => _state = new($"standing by: another node reads slot {slot}", null);

    public void Failed(string slot, Exception exception) => _state = new($"cannot read slot {slot}: {exception.Message}", exception);

    private sealed record State(string Description, Exception? Failure);
}
