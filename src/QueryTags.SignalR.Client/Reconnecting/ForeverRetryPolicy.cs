using Microsoft.AspNetCore.SignalR.Client;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// Reconnects for as long as it takes: an invalidation client that gives up leaves an app showing stale data.
/// SignalR's default stops after four tries.
/// </summary>
internal sealed class ForeverRetryPolicy : IRetryPolicy
{
    private static readonly TimeSpan[] Delays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
        retryContext.PreviousRetryCount < Delays.Length ? Delays[retryContext.PreviousRetryCount] : Ceiling;
}
