using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// Watches the Redis connections a node depends on (the log's and SignalR's backplane's). While any is down,
/// invalidations may be lost on their way; once all are back, every local client gets a <c>reset</c>, so none
/// keeps stale data. The reset waits for the backplane's subscriptions too: resetting earlier would let an
/// invalidation published in between slip past the clients that just refetched.
/// </summary>
internal sealed class RedisOutageMonitor(RedisConnections connections, ILocalClientReset reset, ILogger<RedisOutageMonitor> logger)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _recovery;
    private bool _recovering;

    // Connection failures seen so far. A recovery compares it across its reset: a failure during the reset
    // (Redis dropped again, however briefly) may have lost invalidations after the clients refetched.
    private long _failures;

    /// <summary>True while any watched connection is down, or back but its clients not reset yet.</summary>
    public bool OutageInProgress
    {
        get
        {
            lock (_gate)
            {
                return _recovering;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        connections.Observe(Watch);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task? recovery;
        lock (_gate)
        {
            recovery = _recovery;
        }

        if (recovery is not null)
        {
            await recovery.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private void Watch(IConnectionMultiplexer redis, string role)
    {
        redis.ConnectionFailed += (_, e) => OnFailed(role, e.EndPoint is null ? null : EndPointCollection.ToString(e.EndPoint), e.Exception);

        // Down when added: Redis was unreachable when the node connected, so its clients get a reset once it is
        // up. A pub/sub connection still being made (as for a moment after any connect) is no outage: nothing was
        // subscribed through it yet, and should it fail, ConnectionFailed says so.
        if (!redis.IsConnected)
        {
            OnFailed(role, RedisConnections.Describe(redis.GetEndPoints()), null);
        }
    }

    private void OnFailed(string role, string? endpoint, Exception? exception)
    {
        lock (_gate)
        {
            _failures++;
            if (_recovering || _stopping.IsCancellationRequested)
            {
                return;
            }

            Log.RedisConnectionLost(logger, role, endpoint ?? "?", exception);
            _recovering = true;
            _recovery = Task.Run(() => RecoverAsync(_stopping.Token));
        }
    }

    private async Task RecoverAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, stopping);
                long failures;
                lock (_gate)
                {
                    failures = _failures;
                }

                if (!connections.AllUp())
                {
                    continue;
                }

                int count;
                try
                {
                    count = await reset.ResetAllAsync("backplane-restored", stopping);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    // Redis dropped again between the check and the reset: keep waiting.
                    Log.ResetAfterRestoreFailed(logger, ex);
                    continue;
                }

                lock (_gate)
                {
                    // A connection failed since the check, so during the reset: reset again once all are back.
                    if (_failures != failures)
                    {
                        continue;
                    }

                    _recovering = false;
                }

                Log.RedisConnectionRestored(logger, count);
                return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            lock (_gate)
            {
                _recovering = false;
            }
        }
    }
}
