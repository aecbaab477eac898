using QueryTags.SignalR.StackExchangeRedis.Internal;
using QueryTags.SignalR.Testing;
using StackExchange.Redis;

namespace QueryTags.SignalR.Tests.StackExchangeRedis;

/// <summary>
/// A node's Redis side as the tests build it: a <see cref="RedisOutageMonitor"/> resetting through a
/// <see cref="RecordingClientReset"/>, over the connections the test adds (a log's, a backplane's). Disposing stops
/// the monitor, so no recovery outlives its test, and closes what it connected.
/// </summary>
internal sealed class MonitorHarness : IAsyncDisposable
{
    /// <summary>Longer than two polls of the monitor: time enough for a reset that should not come.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(600);

    private readonly List<IAsyncDisposable> _owned = [];

    public MonitorHarness(RecordingClientReset? reset = null)
    {
        Reset = reset ?? new RecordingClientReset();
        Monitor = new RedisOutageMonitor(Connections, Epochs, Reset, Logger);
    }

    public RedisConnections Connections { get; } = new();

    public RedisLogEpochs Epochs { get; } = new();

    public RecordingClientReset Reset { get; }

    public RecordingLogger<RedisOutageMonitor> Logger { get; } = new();

    public RedisOutageMonitor Monitor { get; }

    public Task StartAsync() => Monitor.StartAsync(default).Within();

    /// <summary>Connects to <paramref name="redis"/> as SignalR's backplane would, and has the monitor watch it.</summary>
    public async Task<ConnectionMultiplexer> WatchAsync(RedisServer redis, string role = "SignalR backplane") =>
        Watch(await RedisTesting.ConnectAsync(redis), role);

    /// <summary>Has the monitor watch <paramref name="connection"/>, and closes it at the end.</summary>
    public ConnectionMultiplexer Watch(ConnectionMultiplexer connection, string role = "SignalR backplane")
    {
        _owned.Add(connection);
        Connections.Add(connection, role);
        return connection;
    }

    /// <summary>Starts an invalidation log on <paramref name="redis"/> whose connection the monitor watches.</summary>
    public async Task<RedisInvalidationLog> StartLogAsync(RedisServer redis)
    {
        var log = await RedisTesting.StartLogAsync(redis, Connections, epochs: Epochs);
        _owned.Add(log);
        return log;
    }

    public Task OutageSeenAsync() => RedisTesting.EventuallyAsync(() => Monitor.OutageInProgress, "the monitor sees the outage");

    public async Task RecoveredAsync(int resets = 1)
    {
        await RedisTesting.EventuallyAsync(() => Reset.Reasons.Count >= resets, $"{resets} reset(s) are sent");
        await RedisTesting.EventuallyAsync(() => !Monitor.OutageInProgress, "the outage ends");
    }

    public async ValueTask DisposeAsync()
    {
        await Monitor.StopAsync(default).Within();
        Monitor.Dispose();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }
}
