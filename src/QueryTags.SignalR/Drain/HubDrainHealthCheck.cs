using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Unhealthy from the moment the node drains: a load balancer that probes the node's health endpoint stops sending
/// it new connections then, rather than when its process is gone, so the clients it sends away reach another node at
/// their first try.
/// </summary>
internal sealed class HubDrainHealthCheck(HubDrain drain) : IHealthCheck
{
    public const string Name = "querytags-hub";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("This node is stopping: the invalidation hub takes no new connections.")
            : HealthCheckResult.Healthy("The invalidation hub takes connections."));
}
