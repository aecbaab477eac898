using Microsoft.Extensions.Options;
using QueryTags.SignalR.StackExchangeRedis;
using QueryTags.SignalR.StackExchangeRedis.Internal;
using QueryTags.SignalR.Testing;
using StackExchange.Redis;

namespace QueryTags.SignalR.Tests.StackExchangeRedis;

/// <summary>The set-up the Redis package's tests share: connections, a started log, and bounded waits.</summary>
internal static class RedisTesting
{
    /// <summary>How long any wait of these tests may take before it fails instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A key prefix no other test uses, in the <c>{...}</c> hash-tag form the log's scripts need.</summary>
    public static string UniqueKeyPrefix() => $"querytags:{{test-{Guid.NewGuid():N}}}:";

    /// <summary>
    /// Connection options that survive an outage and notice the server's return quickly: no abort on a failed
    /// connect, and short heartbeats and retries.
    /// </summary>
    public static ConfigurationOptions Configuration(RedisServer server, bool allowAdmin = false)
    {
        var options = ConfigurationOptions.Parse(server.Configuration);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = allowAdmin;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        options.ReconnectRetryPolicy = new LinearRetry(100);
        return options;
    }

    public static Task<ConnectionMultiplexer> ConnectAsync(RedisServer server, bool allowAdmin = false) =>
        ConnectionMultiplexer.ConnectAsync(Configuration(server, allowAdmin)).Within();

    /// <summary>Deletes every key of every test on <paramref name="server"/>, as a Redis that lost its data.</summary>
    public static async Task FlushAllAsync(RedisServer server)
    {
        await using var admin = await ConnectAsync(server, allowAdmin: true);
        await admin.GetServer(server.Configuration).FlushAllDatabasesAsync().Within();
    }

    /// <summary>
    /// A started log on <paramref name="server"/> under a key prefix of its own, with the connection options of
    /// <see cref="Configuration"/>, then whatever <paramref name="configure"/> changes. Starting waits for the first
    /// connection up to the connect timeout (5 s, as a node by default).
    /// </summary>
    public static async Task<RedisInvalidationLog> StartLogAsync(
        RedisServer server,
        RedisConnections? connections = null,
        int capacity = 100,
        TimeSpan? retention = null,
        Action<RedisInvalidationLogOptions>? configure = null,
        RedisLogEpochs? epochs = null)
    {
        var options = new RedisInvalidationLogOptions { ConfigurationOptions = Configuration(server), KeyPrefix = UniqueKeyPrefix() };
        configure?.Invoke(options);
        var log = new RedisInvalidationLog(
            Options.Create(options),
            Options.Create(new TagInvalidationOptions { RetentionWindow = retention ?? TimeSpan.FromMinutes(1), LogCapacity = capacity }),
            connections ?? new RedisConnections(),
            epochs ?? new RedisLogEpochs());
        await log.StartAsync(default).Within();
        return log;
    }

    /// <summary>The server's clock (<c>TIME</c>) in microseconds, the unit of the log's sequences.</summary>
    public static async Task<long> ClockAsync(RedisServer server)
    {
        await using var redis = await ConnectAsync(server);
        var time = await redis.GetServer(server.Configuration).TimeAsync().Within();
        return new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000 + (time.Ticks % TimeSpan.TicksPerMillisecond / 10);
    }

    /// <summary>How many members the sorted set <paramref name="key"/> has.</summary>
    public static async Task<long> CountAsync(RedisServer server, string key)
    {
        await using var redis = await ConnectAsync(server);
        return await redis.GetDatabase().SortedSetLengthAsync(key).Within();
    }

    /// <summary>
    /// Moves everything the log under <paramref name="keyPrefix"/> remembers <paramref name="by"/> into the past, as
    /// if that much time had gone by since: Redis's clock cannot be set, so a test ages the data instead of waiting.
    /// </summary>
    public static async Task BackdateAsync(RedisServer server, string keyPrefix, TimeSpan by)
    {
        var shift = by.Ticks / (TimeSpan.TicksPerMillisecond / 1000);
        await using var redis = await ConnectAsync(server);
        var database = redis.GetDatabase();
        foreach (var entry in await database.SortedSetRangeByRankWithScoresAsync(keyPrefix + "tags").Within())
        {
            await database.SortedSetAddAsync(keyPrefix + "tags", entry.Element, entry.Score - shift).Within();
        }

        // An entry's member is its sequence too: the scripts read the newest forgotten one from it.
        foreach (var entry in await database.SortedSetRangeByRankWithScoresAsync(keyPrefix + "entries").Within())
        {
            var earlier = (long)entry.Score - shift;
            await database.SortedSetRemoveAsync(keyPrefix + "entries", entry.Element).Within();
            await database.SortedSetAddAsync(keyPrefix + "entries", earlier.ToString(System.Globalization.CultureInfo.InvariantCulture), earlier).Within();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails the test after <see cref="Timeout"/>.</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, what, Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task<T> Within<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Timeout);
}
