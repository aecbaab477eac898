namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// The Lua scripts of the Redis log. Each runs atomically, so a sequence number, the per-tag entries and the
/// epoch always change together. Keys: 1 epoch, 2 sequence (the highest issued), 3 tags (zset: canonical tag →
/// sequence of its last invalidation), 4 entries (zset: sequence → sequence, one per invalidation, for forgetting),
/// 5 forgotten (highest sequence forgotten early, past the capacity), 6 unsent (zset: sequence of an invalidation
/// whose sends were not confirmed → when it was appended or last claimed), 7 unsent tags (hash: sequence → its tags
/// as a JSON array of canonical forms).
/// </summary>
/// <remarks>
/// Sequences are Redis's clock (<c>TIME</c>) in microseconds, made strictly increasing: one clock for every node.
/// Numbers go to Redis as integer text (<c>%.0f</c>): Lua's own number-to-text conversion may use exponent notation,
/// and every value here stays below 2^53, where a Lua number is exact.
/// </remarks>
internal static class RedisInvalidationLogScripts
{
    // A missing epoch means the log's data was lost (or this is the first use): start a new epoch and drop
    // whatever is left of the old one, so no cursor of the old epoch can be answered from half a log. `started`
    // tells the caller, which must then evict the server caches and reset its clients.
    private const string Prelude = """
        local function text(n) return string.format('%.0f', n) end
        local function micros()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000000 + tonumber(t[2])
        end
        local started = 0
        local epoch = redis.call('GET', KEYS[1])
        if not epoch then
          epoch = ARGV[1]
          started = 1
          redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
          redis.call('SET', KEYS[1], epoch)
        end
        local now = micros()
        local high = tonumber(redis.call('GET', KEYS[2]) or '0')
        local retention = tonumber(ARGV[2])
        """;

    /// <summary>ARGV: new epoch, retention µs, capacity, then the canonical tags. Returns { epoch, sequence, started }.</summary>
    public const string Append = Prelude + """

        local sequence = high + 1
        if now > sequence then sequence = now end
        redis.call('SET', KEYS[2], text(sequence))
        local tags = {}
        for i = 4, #ARGV do
          redis.call('ZADD', KEYS[3], text(sequence), ARGV[i])
          tags[#tags + 1] = ARGV[i]
        end
        redis.call('ZADD', KEYS[4], text(sequence), text(sequence))

        -- Unsent until the node that appended it confirms its sends left.
        redis.call('ZADD', KEYS[6], text(sequence), text(sequence))
        redis.call('HSET', KEYS[7], text(sequence), '[' .. table.concat(tags, ',') .. ']')

        -- Forget entries past the retention horizon or beyond the capacity; the oldest by rank are the lowest
        -- sequences. At most 10,000 per call keeps each script short. Only an entry forgotten before the horizon
        -- reaches it is remembered as forgotten: every answer already allows for the horizon.
        local horizon = now - retention
        local late = redis.call('ZCOUNT', KEYS[4], '-inf', '(' .. text(horizon))
        local excess = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[3])
        local drop = late
        if excess > drop then drop = excess end
        if drop > 10000 then drop = 10000 end
        if drop > 0 then
          local victims = redis.call('ZRANGE', KEYS[4], 0, drop - 1)
          local newest = tonumber(victims[#victims])
          if newest >= horizon and newest > tonumber(redis.call('GET', KEYS[5]) or '0') then
            redis.call('SET', KEYS[5], text(newest))
          end
          redis.call('ZREMRANGEBYRANK', KEYS[4], 0, drop - 1)
          redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', text(newest))
        end
        return { epoch, text(sequence), started }
        """;

    /// <summary>
    /// ARGV: new epoch, retention µs, then canonical tags. Returns { epoch, position, answerable from, started, last
    /// sequence of each tag or '' }. The position is the later of the clock and the highest sequence issued, and is
    /// kept as issued, so every later append goes past it.
    /// </summary>
    public const string Read = Prelude + """

        local current = high
        if now > current then
          current = now
          redis.call('SET', KEYS[2], text(current))
        end
        local answerable = now - retention
        local forgotten = tonumber(redis.call('GET', KEYS[5]) or '0')
        if forgotten > answerable then answerable = forgotten end
        local result = { epoch, text(current), text(answerable), started }
        for i = 3, #ARGV do
          result[#result + 1] = redis.call('ZSCORE', KEYS[3], ARGV[i]) or ''
        end
        return result
        """;

    /// <summary>ARGV: the sequence whose sends left. Forgets it as unsent.</summary>
    public const string Sent = """
        redis.call('ZREM', KEYS[6], ARGV[1])
        redis.call('HDEL', KEYS[7], ARGV[1])
        return 1
        """;

    /// <summary>
    /// ARGV: new epoch, retention µs, grace µs. Claims unsent invalidations appended (or last claimed) more than the
    /// grace ago, at most 100, by moving their time to now, so no other node claims them for as long; one older than
    /// the retention window is dropped instead. Returns { epoch, then sequence and tags of each claimed }.
    /// </summary>
    public const string ClaimUnsent = Prelude + """

        local horizon = now - retention
        local due = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', '(' .. text(now - tonumber(ARGV[3])), 'LIMIT', 0, 100)
        local result = { epoch }
        for _, member in ipairs(due) do
          local tags = redis.call('HGET', KEYS[7], member)
          if (not tags) or tonumber(member) < horizon then
            redis.call('ZREM', KEYS[6], member)
            redis.call('HDEL', KEYS[7], member)
          else
            redis.call('ZADD', KEYS[6], text(now), member)
            result[#result + 1] = member
            result[#result + 1] = tags
          end
        end
        return result
        """;
}
