namespace QueryTags.SignalR.Tests.StackExchangeRedis;

/// <summary>
/// An <see cref="ILocalClientReset"/> that records the reasons of the resets it was asked for. It can fail its
/// first call, as a reset does when the log is still unreachable, and can run a step of the test before it answers.
/// </summary>
internal sealed class RecordingClientReset : ILocalClientReset
{
    private readonly List<string> _reasons = [];
    private int _calls;

    /// <summary>Throw <see cref="InvalidationLogUnavailableException"/> from the first call.</summary>
    public bool FailFirstCall { get; init; }

    /// <summary>Runs at the start of each call, before it is recorded.</summary>
    public Func<CancellationToken, Task>? OnCall { get; set; }

    /// <summary>Calls made, the failed one included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The reasons of the calls that succeeded, in order.</summary>
    public IReadOnlyList<string> Reasons
    {
        get
        {
            lock (_reasons)
            {
                return [.. _reasons];
            }
        }
    }

    public async Task<int> ResetAllAsync(string reason, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (OnCall is { } onCall)
        {
            await onCall(cancellationToken);
        }

        if (FailFirstCall && call == 1)
        {
            throw new InvalidationLogUnavailableException("The test's reset fails its first call.");
        }

        lock (_reasons)
        {
            _reasons.Add(reason);
        }

        return 1;
    }
}
