using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Internal;
using StackExchange.Redis;

namespace QueryTags.SignalR.Redis;

/// <summary>
/// Watches the Redis connections a node depends on (the log's and SignalR's backplane's). While any is down,
/// invalidations may be lost on their way; once all are back, every local client gets a <c>reset</c>, so none
/// keeps stale data. The reset waits for the backplane's subscriptions too: resetting earlier would let an
/// invalidation published in between slip past the clients that just refetched.
/// </summary>
/// <remarks>
/// It resolves <see cref="LocalConnections"/> only when it resets: that needs SignalR's hub context, whose
/// Redis options (where this monitor is hooked in) would otherwise depend on this monitor in a cycle.
/// </remarks>
internal sealed class RedisOutageMonitor(IServiceProvider services, ILogger<RedisOutageMonitor> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly Lock _gate = new();
    private readonly List<(IConnectionMultiplexer Redis, string Role)> _watched = [];
    private Task? _recovery;

    /// <summary>Reads the log's current cursor, for the reset message; set by the Redis log.</summary>
    public Func<Task<InvalidationCursor>>? CurrentCursor { get; set; }

    /// <summary>True while any watched connection is down.</summary>
    public bool OutageInProgress
    {
        get
        {
            lock (_gate)
            {
                return _recovery is { IsCompleted: false };
            }
        }
    }

    public void Watch(IConnectionMultiplexer redis, string role)
    {
        lock (_gate)
        {
            _watched.Add((redis, role));
        }

        redis.ConnectionFailed += (_, e) => OnFailed(role, e.EndPoint?.ToString(), e.Exception);
        if (!IsUp(redis))
        {
            OnFailed(role, redis.Configuration, null);
        }
    }

    private void OnFailed(string role, string? endpoint, Exception? exception)
    {
        lock (_gate)
        {
            if (_recovery is { IsCompleted: false })
            {
                return;
            }

            Log.RedisConnectionLost(logger, role, endpoint ?? "?", exception);
            _recovery = Task.Run(RecoverAsync);
        }
    }

    private async Task RecoverAsync()
    {
        while (true)
        {
            await Task.Delay(PollInterval);
            bool allUp;
            lock (_gate)
            {
                allUp = _watched.All(watched => IsUp(watched.Redis));
            }

            if (!allUp)
            {
                continue;
            }

            try
            {
                InvalidationCursor? cursor = CurrentCursor is null ? null : await CurrentCursor();
                var count = await services.GetRequiredService<LocalConnections>().ResetAllAsync("backplane-restored", cursor);
                Log.RedisConnectionRestored(logger, cursor?.ToString() ?? "?", count);
                return;
            }
            catch (Exception ex)
            {
                // Redis dropped again between the check and the reset: keep waiting.
                Log.ResetAfterRestoreFailed(logger, ex);
            }
        }
    }

    private static bool IsUp(IConnectionMultiplexer redis) => redis.IsConnected && redis.GetSubscriber().IsConnected();
}
