using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Caps the log entries that clients can cause (a refused tag, a refused call, a foreign origin) and those a storm of
/// calls can repeat (a failed group join, a failed send): at most 20 at once and 10 a second after that, shared by the
/// whole server. What it holds back is counted, and the next entry let through is preceded by one that says how many.
/// </summary>
/// <remarks>
/// One token bucket of <c>System.Threading.RateLimiting</c> for the process: a client sending thousands of bad
/// tags a second must not write thousands of log entries, whatever their level.
/// </remarks>
internal sealed class LoggingThrottle : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 20,
        TokensPerPeriod = 10,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    private long _suppressed;

    /// <summary>Whether an entry of <paramref name="level"/> may be written now; false when the logger would drop it anyway.</summary>
    public bool Allows(ILogger logger, LogLevel level)
    {
        if (!logger.IsEnabled(level))
        {
            return false;
        }

        using var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            Interlocked.Increment(ref _suppressed);
            return false;
        }

        var suppressed = Interlocked.Exchange(ref _suppressed, 0);
        if (suppressed > 0)
        {
            HubLimitsLog.EntriesSuppressed(logger, suppressed);
        }

        return true;
    }

    /// <summary>
    /// The logger of <paramref name="category"/> from a request's services when an entry of <paramref name="level"/> may
    /// be written now; null otherwise. For what a request can cause before any hub or endpoint code of ours runs.
    /// </summary>
    public static ILogger? ForRequest(HttpContext context, string category, LogLevel level)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(category);
        return context.RequestServices.GetRequiredService<LoggingThrottle>().Allows(logger, level) ? logger : null;
    }

    public void Dispose() => _limiter.Dispose();
}
