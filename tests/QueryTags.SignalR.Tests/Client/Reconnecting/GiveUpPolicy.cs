using Microsoft.AspNetCore.SignalR.Client;

namespace QueryTags.SignalR.Tests.Client;

/// <summary>A retry policy that never retries.</summary>
internal sealed class GiveUpPolicy : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext) => null;
}
