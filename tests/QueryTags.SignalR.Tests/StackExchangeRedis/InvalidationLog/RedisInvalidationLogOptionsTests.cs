using QueryTags.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace QueryTags.SignalR.Tests.StackExchangeRedis;

/// <summary>The connection options the log builds: fail fast while down, keep reconnecting, and come back quickly.</summary>
public sealed class RedisInvalidationLogOptionsTests
{
    [Fact]
    public void A_configuration_string_builds_a_connection_that_fails_fast_and_retries_every_second()
    {
        var built = new RedisInvalidationLogOptions { Configuration = "127.0.0.1:6390" }.Build();

        Assert.False(built.AbortOnConnectFail);
        Assert.False(built.BacklogPolicy.QueueWhileDisconnected);
        var retry = Assert.IsType<LinearRetry>(built.ReconnectRetryPolicy);
        Assert.False(retry.ShouldRetry(currentRetryCount: 5, timeElapsedMillisecondsSinceLastRetry: 999));
        Assert.True(retry.ShouldRetry(currentRetryCount: 5, timeElapsedMillisecondsSinceLastRetry: 1000));
    }

    [Fact]
    public void ConfigurationOptions_are_copied_and_their_retry_policy_is_kept()
    {
        var policy = new ExponentialRetry(100);
        var given = ConfigurationOptions.Parse("127.0.0.1:6390,abortConnect=true");
        given.ReconnectRetryPolicy = policy;

        var built = new RedisInvalidationLogOptions { Configuration = "ignored:1", ConfigurationOptions = given }.Build();

        Assert.NotSame(given, built);
        Assert.Equal("127.0.0.1:6390", EndPointCollection.ToString(Assert.Single(built.EndPoints)));
        Assert.Same(policy, built.ReconnectRetryPolicy);
        Assert.False(built.AbortOnConnectFail);
        Assert.False(built.BacklogPolicy.QueueWhileDisconnected);
        Assert.True(given.AbortOnConnectFail);
    }
}
