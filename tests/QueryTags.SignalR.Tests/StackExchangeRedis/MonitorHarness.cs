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
        Monitor = new RedisOutageMonitor(Connections, Epochs, Log, Reset, Logger);
    }

    public RedisConnections Connections { get; } = new();

    public RedisLogEpochs Epochs { get; } = new();

    /// <summary>The log the monitor reads before it resets: whichever the test started last, an empty one before.</summary>
    public SwitchingLog Log { get; } = new();

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
        Log.Current = log;
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

/// <summary>A log that forwards to another, so a harness can hand its monitor a log before the test starts one.</summary>
internal sealed class SwitchingLog : InvalidationLog
{
    public InvalidationLog Current { get; set; } =
        new QueryTags.SignalR.Internal.InMemoryInvalidationLog(Microsoft.Extensions.Options.Options.Create(new TagInvalidationOptions()), TimeProvider.System);

    public override ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) =>
        Current.AppendAsync(tags, cancellationToken);

    protected override async ValueTask<InvalidationLogState> ReadAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken) =>
        new((await Current.CurrentAsync(cancellationToken)), 0, new Dictionary<string, long>());
}
