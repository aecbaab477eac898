using Microsoft.AspNetCore.SignalR.Client;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// The reconnect policy a built connection gets: it stops at once when a reconnect attempt fails in a way retrying
/// cannot fix (404, 401, 403, a protocol the server lacks), and remembers the last reason it was asked about, which
/// tells the client why the connection closed for good.
/// </summary>
internal sealed class GatedRetryPolicy(IRetryPolicy policy, Uri hubUrl) : IRetryPolicy
{
    private volatile Exception? _lastReason;

    /// <summary>The reason of the last retry it was asked about since <see cref="Forget"/>.</summary>
    public Exception? LastReason => _lastReason;

    /// <summary>The connection is up (again): an earlier outage's reason is no longer the one.</summary>
    public void Forget() => _lastReason = null;

    /// <inheritdoc />
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        _lastReason = retryContext.RetryReason;

        // The first retry's reason is why a working connection was lost, never a refused start: a long poll answered
        // 404 after a server restart (the new server does not know the connection), or 401 for an expired token,
        // is what reconnecting fixes. A reconnect attempt's own failure is judged (it starts with a negotiate).
        return retryContext.PreviousRetryCount > 0 && retryContext.RetryReason is { } reason && ConnectionFailures.Classify(reason, hubUrl) is not null
            ? null
            : policy.NextRetryDelay(retryContext);
    }
}
