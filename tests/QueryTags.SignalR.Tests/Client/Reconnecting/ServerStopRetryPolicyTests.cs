using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Tests.Client.Internal;

/// <summary>
/// The retries that follow a stopping server are spread over the jitter window (and wait at least its Retry-After);
/// every other retry keeps the wrapped policy's delay.
/// </summary>
public class ServerStopRetryPolicyTests
{
    private static readonly TimeSpan Jitter = TimeSpan.FromSeconds(2);
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.25, 500)]
    [InlineData(0.999, 1998)]
    public void A_close_without_an_error_is_retried_after_a_random_part_of_the_window(double random, int milliseconds)
    {
        // SignalR reports a close message that allows a reconnect (what a draining node sends) as no reason at all.
        var policy = new ServerStopRetryPolicy(new ForeverRetryPolicy(), Jitter, random: () => random);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 0, RetryReason = null }));
    }

    [Fact]
    public void A_negotiate_answered_503_waits_its_Retry_After_then_a_part_of_the_window()
    {
        var note = new RetryAfterNote();
        var policy = new ServerStopRetryPolicy(new ForeverRetryPolicy(), Jitter, note, random: () => 0.5);
        note.Note(Refused(TimeSpan.FromSeconds(3)), Now);

        // Retry-After (3 s) is longer than the policy's second delay (1 s).
        Assert.Equal(TimeSpan.FromSeconds(4), policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 1, RetryReason = Unavailable() }));

        // Taken once: the next 503 without one waits the policy's delay (2 s), spread.
        Assert.Equal(TimeSpan.FromSeconds(3), policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 2, RetryReason = Unavailable() }));
    }

    [Fact]
    public void A_WebSocket_refused_with_503_is_a_stopping_server_too()
    {
        var policy = new ServerStopRetryPolicy(new ForeverRetryPolicy(), Jitter, random: () => 0.5);
        var refused = new AggregateException(new WebSocketException(WebSocketError.NotAWebSocket, "The server returned status code '503' when status code '101' was expected."));

        Assert.Equal(TimeSpan.FromSeconds(2), policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 1, RetryReason = refused }));
    }

    [Fact]
    public void A_cut_connection_retries_at_once_and_a_later_retry_the_server_not_back_is_spread()
    {
        var policy = new ServerStopRetryPolicy(new ForeverRetryPolicy(), Jitter, random: () => 0.5);

        // A connection cut (1006): at once, as the policy says. Then a refused TCP connection or a balancer's 502: the
        // node is down, and its clients, cut together, must not retry in step.
        Assert.Equal(TimeSpan.Zero, policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 0, RetryReason = new WebSocketException(WebSocketError.ConnectionClosedPrematurely) }));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 1, RetryReason = new HttpRequestException("refused", new IOException("connection refused")) }));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 1, RetryReason = new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway) }));
    }

    [Fact]
    public void A_policy_that_gives_up_still_gives_up()
    {
        var policy = new ServerStopRetryPolicy(new GiveUp(), Jitter, random: () => 0.5);

        Assert.Null(policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 0, RetryReason = null }));
    }

    [Fact]
    public void A_503_is_never_a_failure_for_good()
    {
        var policy = new GatedRetryPolicy(new ServerStopRetryPolicy(new ForeverRetryPolicy(), TimeSpan.Zero), new Uri("http://127.0.0.1:1/hubs/invalidation"));

        Assert.Equal(TimeSpan.FromSeconds(10), policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 9, RetryReason = Unavailable() }));
    }

    [Fact]
    public void Retry_After_is_read_as_a_delay_or_a_date_and_never_longer_than_a_minute()
    {
        var note = new RetryAfterNote();
        note.Note(Refused(TimeSpan.FromHours(1)), Now);
        Assert.Equal(RetryAfterNote.Longest, note.Take());

        using var dated = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(5)) } };
        note.Note(dated, Now);
        Assert.Equal(TimeSpan.FromSeconds(5), note.Take());

        // Only a 503's Retry-After counts.
        using var tooMany = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)) } };
        note.Note(tooMany, Now);
        Assert.Null(note.Take());
    }

    private static HttpResponseMessage Refused(TimeSpan retryAfter) =>
        new(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new RetryConditionHeaderValue(retryAfter) } };

    private static HttpRequestException Unavailable() =>
        new("Response status code does not indicate success: 503 (Service Unavailable).", null, HttpStatusCode.ServiceUnavailable);

    private sealed class GiveUp : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => null;
    }
}
