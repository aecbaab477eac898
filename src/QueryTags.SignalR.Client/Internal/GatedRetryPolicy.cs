using Microsoft.AspNetCore.SignalR.Client;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// The reconnect policy a built connection gets: it stops at once for a failure retrying cannot fix (404, 401, 403,
/// a protocol the server lacks) and remembers the last reason it was asked about, which tells the client why the
/// connection closed for good.
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
        return retryContext.RetryReason is { } reason && ConnectionFailures.Classify(reason, hubUrl) is not null ? null : policy.NextRetryDelay(retryContext);
    }
}
