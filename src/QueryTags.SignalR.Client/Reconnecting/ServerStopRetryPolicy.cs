using Microsoft.AspNetCore.SignalR.Client;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// Spreads the retries that follow a stopping server, and every retry after the first: to the delay of the policy it
/// wraps (at least the server's <c>Retry-After</c>, when it sent one) it adds a random part of <c>jitter</c>, so the
/// clients of a node that stops, or crashed and is not back at once, reach it over that window rather than all at once.
/// The first retry after a cut connection keeps the wrapped policy's delay (at once: the cut may be this client's network).
/// </summary>
/// <param name="policy">The policy whose delays it spreads; its null (give up) stays null.</param>
/// <param name="jitter">The window; zero spreads nothing.</param>
/// <param name="retryAfter">Where the connection notes a 503's <c>Retry-After</c>; null when it cannot (an adopted connection).</param>
/// <param name="random">A number in [0, 1) per retry; the shared generator unless a test fixes it.</param>
internal sealed class ServerStopRetryPolicy(IRetryPolicy policy, TimeSpan jitter, RetryAfterNote? retryAfter = null, Func<double>? random = null) : IRetryPolicy
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    /// <inheritdoc />
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        var floor = retryAfter?.Take();
        if (policy.NextRetryDelay(retryContext) is not { } delay)
        {
            return null;
        }

        if (retryContext.PreviousRetryCount == 0 && !ServerStop.Caused(retryContext))
        {
            return delay;
        }

        // Whole milliseconds, as the TypeScript client spreads them (tests/vectors/client.json).
        return (floor is { } wait && wait > delay ? wait : delay) + TimeSpan.FromMilliseconds(Math.Floor(jitter.TotalMilliseconds * _random()));
    }
}
