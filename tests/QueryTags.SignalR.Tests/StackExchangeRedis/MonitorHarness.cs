using QueryTags.SignalR.StackExchangeRedis.Internal;
using QueryTags.SignalR.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace QueryTags.SignalR.Tests.StackExchangeRedis;

/// <summary>
/// A node's Redis side as the tests build it: a <see cref="RedisOutageMonitor"/> resetting through a
/// <see cref="RecordingClientReset"/>, over the connections the test adds (a log's, a backplane's). Disposing stops
/// the monitor, so no recovery outlives its test, and closes what it connected. The monitor's clock is
/// <see cref="Time"/>: its polls come when the harness moves it, so a test counts polls instead of waiting for them.
/// </summary>
internal sealed class MonitorHarness : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public MonitorHarness(RecordingClientReset? reset = null)
    {
        Reset = reset ?? new RecordingClientReset();
        Monitor = new RedisOutageMonitor(Connections, Epochs, Log, Reset, Time, Logger);
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

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

    public Task OutageSeenAsync() => EventuallyAsync(() => Monitor.OutageInProgress, "the monitor sees the outage");

    public async Task RecoveredAsync(int resets = 1)
    {
        await EventuallyAsync(() => Reset.Reasons.Count >= resets, $"{resets} reset(s) are sent");
        await EventuallyAsync(() => !Monitor.OutageInProgress, "the outage ends");
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, moving the monitor's clock a poll on each try, so whatever
    /// the monitor does after its next poll happens; fails the test after <see cref="RedisTesting.Timeout"/>.
    /// </summary>
    public Task EventuallyAsync(Func<bool> condition, string what) => RedisTesting.EventuallyAsync(() =>
    {
        if (condition())
        {
            return true;
        }

        Time.Advance(RedisOutageMonitor.PollInterval);
        return false;
    }, what);

    /// <summary>
    /// Returns once the recovery in progress has made <paramref name="count"/> whole polls from now: each poll reads
    /// the log first, so a poll has ended when the next one reads it. Whatever those polls would do has been done.
    /// </summary>
    public Task PollsAsync(int count = 2)
    {
        var reads = Log.Reads + count + 1;
        return EventuallyAsync(() => Log.Reads >= reads, $"{count} poll(s) of the monitor end");
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
    private int _reads;

    /// <summary>How many times the log was read (the monitor reads it once a poll).</summary>
    public int Reads => Volatile.Read(ref _reads);

    public InvalidationLog Current { get; set; } =
        new QueryTags.SignalR.Internal.InMemoryInvalidationLog(Microsoft.Extensions.Options.Options.Create(new TagInvalidationOptions()), TimeProvider.System);

    public override ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) =>
        Current.AppendAsync(tags, cancellationToken);

    protected override async ValueTask<InvalidationLogState> ReadAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return new((await Current.CurrentAsync(cancellationToken)), 0, new Dictionary<string, long>());
    }
}
