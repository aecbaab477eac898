using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Sends again what a shared log holds unsent: an invalidation logged (and answered 200) by a node that died before
/// its sends left would otherwise never reach the other nodes' clients, whose cursors move past it with later
/// invalidations. Every node sweeps; the log hands each unsent invalidation to one node at a time.
/// </summary>
internal sealed class UnsentInvalidationSweeper(
    InvalidationLog log,
    HubTagInvalidator invalidator,
    IOptions<TagInvalidationOptions> options,
    TimeProvider time,
    ILogger<UnsentInvalidationSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (log is not IInvalidationSendTracking tracking)
        {
            return;
        }

        var grace = options.Value.UnsentSendGrace;
        using var timer = new PeriodicTimer(grace / 4, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var unsent in await tracking.ClaimUnsentAsync(grace, stoppingToken))
                {
                    await invalidator.ResendAsync(unsent, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The log is down (an outage, which ends in a reset) or a send failed to start: try again next tick.
                PublishingLog.UnsentSweepFailed(logger, ex);
            }
        }
    }
}
