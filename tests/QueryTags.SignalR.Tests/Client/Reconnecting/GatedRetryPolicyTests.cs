using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Tests.Client.Internal;

/// <summary>
/// The reconnect policy of a built connection: a reconnect attempt that fails for good (404, 401, 403) ends the
/// retries, while the error that ended a working connection never does, whatever its status.
/// </summary>
public class GatedRetryPolicyTests
{
    private static readonly Uri HubUrl = new("http://127.0.0.1:5080/hubs/invalidation");
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public void The_error_that_ended_a_working_connection_is_retried(HttpStatusCode status)
    {
        // A long poll answered 404 by a restarted server, or 401 once a token expired: reconnecting fixes both.
        var policy = new GatedRetryPolicy(new Fixed(Delay), HubUrl);

        var delay = policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 0, RetryReason = Failure(status) });

        Assert.Equal(Delay, delay);
        Assert.IsType<HttpRequestException>(policy.LastReason);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public void A_reconnect_attempt_refused_for_good_ends_the_retries(HttpStatusCode status)
    {
        var policy = new GatedRetryPolicy(new Fixed(Delay), HubUrl);

        Assert.Null(policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 1, RetryReason = Failure(status) }));
    }

    [Fact]
    public void A_transient_failure_of_a_reconnect_attempt_is_retried_by_the_given_policy()
    {
        var policy = new GatedRetryPolicy(new Fixed(Delay), HubUrl);

        Assert.Equal(Delay, policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 3, RetryReason = new HttpRequestException("refused", new IOException("connection refused")) }));
        Assert.Equal(Delay, policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 4, RetryReason = Failure(HttpStatusCode.ServiceUnavailable) }));
    }

    private static HttpRequestException Failure(HttpStatusCode status) =>
        new($"Response status code does not indicate success: {(int)status}.", null, status);

    private sealed class Fixed(TimeSpan delay) : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => delay;
    }
}
