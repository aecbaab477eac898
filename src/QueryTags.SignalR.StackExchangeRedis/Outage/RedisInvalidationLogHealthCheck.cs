using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// Unhealthy while the invalidation log cannot reach Redis (invalidations fail) or while any watched Redis
/// connection is still recovering (clients get a reset once it is back).
/// </summary>
internal sealed class RedisInvalidationLogHealthCheck(RedisInvalidationLog log, RedisOutageMonitor outages) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!log.IsConnected)
        {
            return HealthCheckResult.Unhealthy($"The invalidation log cannot reach Redis ({log.Endpoint}); invalidations fail until it returns.");
        }

        if (outages.OutageInProgress)
        {
            return HealthCheckResult.Unhealthy("A Redis connection of this node (the SignalR backplane) is down; clients get a reset when it is back.");
        }

        try
        {
            var latency = await log.PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The invalidation log's Redis ({log.Endpoint}) did not answer a ping.", ex);
        }
    }
}
