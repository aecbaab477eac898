using System.Net;
using StackExchange.Redis;

namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// The Redis connections this node depends on (the log's, and SignalR's backplane's), as they are made. It
/// depends on nothing, so SignalR's Redis options can report their connection here without a cycle through the
/// hub context; <see cref="RedisOutageMonitor"/> watches what arrives.
/// </summary>
internal sealed class RedisConnections
{
    private readonly Lock _gate = new();
    private readonly List<(IConnectionMultiplexer Redis, string Role)> _connections = [];
    private Action<IConnectionMultiplexer, string>? _added;

    public void Add(IConnectionMultiplexer redis, string role)
    {
        Action<IConnectionMultiplexer, string>? added;
        lock (_gate)
        {
            _connections.Add((redis, role));
            added = _added;
        }

        added?.Invoke(redis, role);
    }

    /// <summary>Calls <paramref name="added"/> with every connection made so far and every one made later.</summary>
    public void Observe(Action<IConnectionMultiplexer, string> added)
    {
        List<(IConnectionMultiplexer Redis, string Role)> existing;
        lock (_gate)
        {
            _added += added;
            existing = [.. _connections];
        }

        foreach (var (redis, role) in existing)
        {
            added(redis, role);
        }
    }

    public bool AllUp()
    {
        lock (_gate)
        {
            return _connections.All(connection => IsUp(connection.Redis));
        }
    }

    /// <summary>Where <paramref name="endpoints"/> are, for messages: never the configuration string, which holds the password.</summary>
    public static string Describe(IEnumerable<EndPoint> endpoints) => string.Join(",", endpoints.Select(EndPointCollection.ToString));

    /// <summary>Connected, with the subscriptions of the pub/sub connection (SignalR's groups) back too.</summary>
    public static bool IsUp(IConnectionMultiplexer redis) => redis.IsConnected && redis.GetSubscriber().IsConnected();
}
