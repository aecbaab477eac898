using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;
using StackExchange.Redis;

namespace QueryTags.SignalR.Redis;

/// <summary>
/// The invalidation log shared by every node: one global sequence, per-tag last sequences and an epoch in
/// Redis, so a client reconnecting to any node gets the same answer. Outages are watched by
/// <see cref="RedisOutageMonitor"/>.
/// </summary>
internal sealed class RedisInvalidationLog(
    IOptions<RedisInvalidationLogOptions> redisOptions,
    IOptions<TagInvalidationOptions> options,
    RedisOutageMonitor outages) : IInvalidationLog, IHostedService, IAsyncDisposable
{
    private readonly RedisKey[] _keys = new[] { "epoch", "sequence", "tags", "times", "forgotten" }
        .Select(name => (RedisKey)(redisOptions.Value.KeyPrefix + name)).ToArray();

    private readonly long _retentionMilliseconds = (long)options.Value.RetentionWindow.TotalMilliseconds;
    private readonly int _capacity = options.Value.LogCapacity;
    private ConnectionMultiplexer? _redis;

    /// <summary>True while the log's connection to Redis is up.</summary>
    public bool IsConnected => _redis?.IsConnected == true;

    public string Endpoint => string.Join(",", _redis?.GetEndPoints().Select(endpoint => endpoint.ToString()) ?? []);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // With AbortOnConnectFail off this returns even when Redis is down, and keeps connecting in the
        // background: a node starts, and reports unhealthy, rather than crash-looping.
        _redis = await ConnectionMultiplexer.ConnectAsync(redisOptions.Value.Build());
        outages.CurrentCursor = async () => (await ReplayAsync([], null, null, CancellationToken.None)).Current;
        outages.Watch(_redis, "invalidation log");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
    {
        var arguments = new RedisValue[3 + tags.Count];
        arguments[0] = NewEpoch();
        arguments[1] = _retentionMilliseconds;
        arguments[2] = _capacity;
        for (var i = 0; i < tags.Count; i++)
        {
            arguments[3 + i] = tags[i].Canonical;
        }

        var result = (RedisResult[])(await EvaluateAsync(RedisInvalidationLogScripts.Append, arguments))!;
        return new InvalidationCursor((string)result[0]!, (long)result[1]);
    }

    public async ValueTask<LogReplay> ReplayAsync(IReadOnlyList<Tag> held, InvalidationCursor? since, TimeSpan? age, CancellationToken cancellationToken)
    {
        // Every prefix of every held tag, once: an invalidation of any of them matches.
        var prefixes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (since is not null || age is not null)
        {
            foreach (var tag in held)
            {
                for (var length = 1; length <= tag.Count; length++)
                {
                    var prefix = tag.PrefixCanonical(length);
                    if (seen.Add(prefix))
                    {
                        prefixes.Add(prefix);
                    }
                }
            }
        }

        var arguments = new RedisValue[2 + prefixes.Count];
        arguments[0] = NewEpoch();
        arguments[1] = age is { } window ? (long)window.TotalMilliseconds : "";
        for (var i = 0; i < prefixes.Count; i++)
        {
            arguments[2 + i] = prefixes[i];
        }

        var result = (RedisResult[])(await EvaluateAsync(RedisInvalidationLogScripts.Read, arguments))!;
        var current = new InvalidationCursor((string)result[0]!, ParseLong(result[1]));
        var forgotten = ParseLong(result[2]);
        if (age is not null)
        {
            // As in the in-memory log: start after the last invalidation older than the age; with none kept, only
            // a log that never forgot anything can answer.
            var start = (string?)result[3];
            if (string.IsNullOrEmpty(start) && forgotten > 0)
            {
                return new LogReplay(current, true, []);
            }

            since = new InvalidationCursor(current.Epoch, string.IsNullOrEmpty(start) ? forgotten : Math.Max(long.Parse(start, CultureInfo.InvariantCulture), forgotten));
        }

        if (since is not { } cursor)
        {
            return new LogReplay(current, false, []);
        }

        if (cursor.Epoch != current.Epoch || cursor.Sequence > current.Sequence || cursor.Sequence < forgotten)
        {
            return new LogReplay(current, true, []);
        }

        var invalidatedAfterCursor = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < prefixes.Count; i++)
        {
            var last = (string?)result[4 + i];
            if (!string.IsNullOrEmpty(last) && double.Parse(last, CultureInfo.InvariantCulture) > cursor.Sequence)
            {
                invalidatedAfterCursor.Add(prefixes[i]);
            }
        }

        var missed = held.Where(tag => Enumerable.Range(1, tag.Count).Any(length => invalidatedAfterCursor.Contains(tag.PrefixCanonical(length)))).ToList();
        return new LogReplay(current, false, missed);
    }

    public async Task<TimeSpan> PingAsync() =>
        await (_redis ?? throw Unavailable(null)).GetDatabase().PingAsync();

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private async Task<RedisResult> EvaluateAsync(string script, RedisValue[] arguments)
    {
        var redis = _redis ?? throw Unavailable(null);
        try
        {
            return await redis.GetDatabase().ScriptEvaluateAsync(script, _keys, arguments);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw Unavailable(ex);
        }
    }

    private InvalidationLogUnavailableException Unavailable(Exception? inner) =>
        new($"The invalidation log in Redis ({redisOptions.Value.Configuration}) is unreachable, so the invalidation was not recorded and nothing was sent. Retry, or fail the request.", inner);

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static long ParseLong(RedisResult value) => long.Parse((string)value!, CultureInfo.InvariantCulture);
}
