using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// The invalidation log shared by every node: one global sequence, per-tag last sequences and an epoch in
/// Redis, so a client reconnecting to any node gets the same answer. Its connection is watched by
/// <see cref="RedisOutageMonitor"/>.
/// </summary>
internal sealed class RedisInvalidationLog(
    IOptions<RedisInvalidationLogOptions> redisOptions,
    IOptions<TagInvalidationOptions> options,
    RedisConnections connections,
    RedisLogEpochs epochs) : InvalidationLog, IInvalidationSendTracking, IHostedService, IAsyncDisposable
{
    /// <summary>What the log's connection is called among <see cref="RedisConnections"/>.</summary>
    public const string Role = "invalidation log";

    private readonly RedisKey[] _keys = new[] { "epoch", "sequence", "tags", "entries", "forgotten", "unsent", "unsent-tags" }
        .Select(name => (RedisKey)(redisOptions.Value.KeyPrefix + name)).ToArray();

    // Named from the options, so an error says where even before the first connection.
    private readonly Lazy<string> _endpoints = new(() => RedisConnections.Describe(redisOptions.Value.Build().EndPoints));
    private readonly long _retentionMicroseconds = (long)(options.Value.RetentionWindow.Ticks / (TimeSpan.TicksPerMillisecond / 1000));
    private readonly int _capacity = options.Value.LogCapacity;
    private ConnectionMultiplexer? _redis;

    /// <summary>True while the log's connection to Redis is up.</summary>
    public bool IsConnected => _redis?.IsConnected == true;

    /// <summary>Where the log's Redis is (its endpoints; never the configuration string, which holds the password).</summary>
    public string Endpoint => _endpoints.Value;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // With AbortOnConnectFail off this returns even when Redis is down, and keeps connecting in the
        // background: a node starts, and reports unhealthy, rather than crash-looping.
        _redis = await ConnectionMultiplexer.ConnectAsync(redisOptions.Value.Build());
        connections.Add(_redis, Role);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
    {
        var arguments = new RedisValue[3 + tags.Count];
        arguments[0] = NewEpoch();
        arguments[1] = _retentionMicroseconds;
        arguments[2] = _capacity;
        for (var i = 0; i < tags.Count; i++)
        {
            arguments[3 + i] = tags[i].Canonical;
        }

        var result = (RedisResult[])(await EvaluateAsync(RedisInvalidationLogScripts.Append, arguments))!;
        epochs.Seen((string)result[0]!, (long)result[2] == 1);
        return new InvalidationCursor((string)result[0]!, ParseLong(result[1]));
    }

    protected override async ValueTask<InvalidationLogState> ReadAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken)
    {
        var arguments = new RedisValue[2 + prefixes.Count];
        arguments[0] = NewEpoch();
        arguments[1] = _retentionMicroseconds;
        for (var i = 0; i < prefixes.Count; i++)
        {
            arguments[2 + i] = prefixes[i];
        }

        var result = (RedisResult[])(await EvaluateAsync(RedisInvalidationLogScripts.Read, arguments))!;
        epochs.Seen((string)result[0]!, (long)result[3] == 1);
        var lastInvalidated = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < prefixes.Count; i++)
        {
            // ZSCORE answers the sequence as a double's text.
            if ((string?)result[4 + i] is { Length: > 0 } last)
            {
                lastInvalidated[prefixes[i]] = (long)double.Parse(last, CultureInfo.InvariantCulture);
            }
        }

        return new InvalidationLogState(
            new InvalidationCursor((string)result[0]!, ParseLong(result[1])),
            ParseLong(result[2]),
            lastInvalidated);
    }

    public async ValueTask SentAsync(InvalidationCursor cursor, CancellationToken cancellationToken) =>
        await EvaluateAsync(RedisInvalidationLogScripts.Sent, [cursor.Sequence]);

    public async ValueTask<IReadOnlyList<UnsentInvalidation>> ClaimUnsentAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        RedisValue[] arguments = [NewEpoch(), _retentionMicroseconds, (long)(olderThan.Ticks / (TimeSpan.TicksPerMillisecond / 1000))];
        var result = (RedisResult[])(await EvaluateAsync(RedisInvalidationLogScripts.ClaimUnsent, arguments))!;
        var epoch = (string)result[0]!;
        var claimed = new List<UnsentInvalidation>((result.Length - 1) / 2);
        for (var i = 1; i + 1 < result.Length; i += 2)
        {
            using var tags = JsonDocument.Parse((string)result[i + 1]!);
            claimed.Add(new UnsentInvalidation(
                new InvalidationCursor(epoch, ParseLong(result[i])),
                [.. tags.RootElement.EnumerateArray().Select(tag => Tag.Parse(tag.GetRawText()))]));
        }

        return claimed;
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
        new($"The invalidation log in Redis ({Endpoint}) is unreachable, so the invalidation was not recorded and nothing was sent. Retry, or fail the request.", inner);

    private static long ParseLong(RedisResult value) => long.Parse((string)value!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
