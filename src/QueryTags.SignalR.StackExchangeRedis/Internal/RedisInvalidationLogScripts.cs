namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// The Lua scripts of the Redis log. Each runs atomically, so a sequence number, the per-tag entries and the
/// epoch always change together. Keys: 1 epoch, 2 sequence, 3 tags (zset: canonical tag → sequence of its last
/// invalidation), 4 times (zset: sequence → Redis time in ms), 5 forgotten (highest forgotten sequence).
/// </summary>
internal static class RedisInvalidationLogScripts
{
    // A missing epoch means the log's data was lost (or this is the first use): start a new epoch and drop
    // whatever is left of the old one, so no cursor of the old epoch can be answered from half a log.
    private const string EnsureEpoch = """
        local epoch = redis.call('GET', KEYS[1])
        if not epoch then
          epoch = ARGV[1]
          redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
          redis.call('SET', KEYS[1], epoch)
        end
        """;

    /// <summary>ARGV: new epoch, retention ms, capacity, then the canonical tags. Returns { epoch, sequence }.</summary>
    public const string Append = EnsureEpoch + """

        local sequence = redis.call('INCR', KEYS[2])
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        for i = 4, #ARGV do
          redis.call('ZADD', KEYS[3], sequence, ARGV[i])
        end
        redis.call('ZADD', KEYS[4], now, sequence)

        -- Forget entries past the retention window or beyond the capacity; times grow with sequences, so
        -- the oldest by rank are the lowest sequences. At most 10,000 per call keeps each script short.
        local drop = redis.call('ZCOUNT', KEYS[4], '-inf', '(' .. (now - tonumber(ARGV[2])))
        local excess = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[3])
        if excess > drop then drop = excess end
        if drop > 10000 then drop = 10000 end
        if drop > 0 then
          local victims = redis.call('ZRANGE', KEYS[4], 0, drop - 1)
          local forgotten = tonumber(redis.call('GET', KEYS[5]) or '0')
          for _, victim in ipairs(victims) do
            local value = tonumber(victim)
            if value > forgotten then forgotten = value end
          end
          redis.call('ZREMRANGEBYRANK', KEYS[4], 0, drop - 1)
          redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', forgotten)
          redis.call('SET', KEYS[5], forgotten)
        end
        return { epoch, sequence }
        """;

    /// <summary>
    /// ARGV: new epoch, an age in ms or '', then canonical tags. Returns { epoch, sequence, forgotten, the last
    /// sequence older than the age or '' when none is kept, last sequence of each tag or '' }.
    /// </summary>
    public const string Read = EnsureEpoch + """

        local result = { epoch, redis.call('GET', KEYS[2]) or '0', redis.call('GET', KEYS[5]) or '0', '' }
        if ARGV[2] ~= '' then
          local time = redis.call('TIME')
          local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
          local start = redis.call('ZREVRANGEBYSCORE', KEYS[4], now - tonumber(ARGV[2]), '-inf', 'LIMIT', 0, 1)
          if start[1] then result[4] = start[1] end
        end
        for i = 3, #ARGV do
          result[#result + 1] = redis.call('ZSCORE', KEYS[3], ARGV[i]) or ''
        end
        return result
        """;
}
