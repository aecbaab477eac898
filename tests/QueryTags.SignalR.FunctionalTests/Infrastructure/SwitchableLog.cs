namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>A log that only counts (no client asks it what was missed), and is unreachable while <see cref="Down"/>.</summary>
public sealed class SwitchableLog : InvalidationLog
{
    private readonly string _epoch = NewEpoch();
    private long _sequence;

    public volatile bool Down;

    public override ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) =>
        Down
            ? throw new InvalidationLogUnavailableException("The test's log is down; nothing was recorded.")
            : ValueTask.FromResult(new InvalidationCursor(_epoch, Interlocked.Increment(ref _sequence)));

    protected override ValueTask<InvalidationLogState> ReadAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new InvalidationLogState(new InvalidationCursor(_epoch, Interlocked.Read(ref _sequence)), 0, new Dictionary<string, long>()));
}
