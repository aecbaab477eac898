using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// Watches the Redis connections a node depends on (the log's and SignalR's backplane's), and the log's epoch.
/// While any connection is down, invalidations may be lost on their way, and a new epoch means the log lost its
/// past; once all are up, every server cache is evicted and every local client gets a <c>reset</c>
/// (<see cref="ILocalClientReset"/>), so none keeps stale data. The reset waits for the backplane's subscriptions
/// too: resetting earlier would let an invalidation published in between slip past the clients that just refetched.
/// </summary>
internal sealed class RedisOutageMonitor(
    RedisConnections connections,
    RedisLogEpochs epochs,
    InvalidationLog log,
    ILocalClientReset reset,
    TimeProvider time,
    ILogger<RedisOutageMonitor> logger)
    : IHostedService, IDisposable
{
    /// <summary>How long a recovery waits between its checks of the connections and the log.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _recovery;
    private bool _recovering;

    // Whether the log lost its past during this outage: the reset then says so ("log-lost", not "backplane-restored").
    private bool _logLost;

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
        epochs.Observe(LogLost);
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

    private void OnFailed(string role, string? endpoint, Exception? exception) =>
        Recover(() => RedisOutageLog.RedisConnectionLost(logger, role, endpoint ?? "?", exception), logLost: false);

    // The log's data was lost (a restart without persistence, a flush): recovered as an outage is, at once when every
    // connection is up.
    private void LogLost(string epoch) => Recover(() => RedisOutageLog.RedisLogLost(logger, epoch), logLost: true);

    private void Recover(Action report, bool logLost)
    {
        lock (_gate)
        {
            _failures++;
            _logLost |= logLost;
            if (_recovering || _stopping.IsCancellationRequested)
            {
                return;
            }

            report();
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
                await Task.Delay(PollInterval, time, stopping);
                int count;
                try
                {
                    // Read the log first: a Redis that came back empty begins its new epoch here, and says so before
                    // the reason is chosen, rather than during the reset (which would then be sent twice).
                    await log.CurrentAsync(stopping);
                }
                catch (InvalidationLogUnavailableException)
                {
                    continue;
                }

                long failures;
                string reason;
                lock (_gate)
                {
                    failures = _failures;
                    reason = _logLost ? "log-lost" : "backplane-restored";
                }

                if (!connections.AllUp())
                {
                    continue;
                }

                try
                {
                    count = await reset.ResetAllAsync(reason, stopping);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    // Redis dropped again between the check and the reset: keep waiting.
                    RedisOutageLog.ResetAfterRestoreFailed(logger, ex);
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
                    _logLost = false;
                }

                RedisOutageLog.RedisConnectionRestored(logger, count);
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
