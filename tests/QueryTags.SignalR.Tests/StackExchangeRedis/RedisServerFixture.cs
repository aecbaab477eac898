using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.StackExchangeRedis;

/// <summary>
/// One redis-server for a test class whose tests leave it running; each test keeps to a key prefix of its own
/// (<see cref="RedisTesting.UniqueKeyPrefix"/>), so the tests do not see each other's data.
/// </summary>
public sealed class RedisServerFixture() : ServerFixture<RedisServer>(() => RedisServer.StartAsync());
