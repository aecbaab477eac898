using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>
/// Unhealthy while this node can neither read the slot nor see another node read it (the server is unreachable, the
/// slot cannot be made): committed changes then wait in the slot, and clients hear of them late.
/// </summary>
internal sealed class ChangeCaptureHealthCheck(ChangeCaptureStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.Failure is { } failure
            ? HealthCheckResult.Unhealthy($"PostgreSQL change capture {status.Description}; changes wait in the slot until it can.", failure)
            : HealthCheckResult.Healthy($"PostgreSQL change capture: {status.Description}."));
}
