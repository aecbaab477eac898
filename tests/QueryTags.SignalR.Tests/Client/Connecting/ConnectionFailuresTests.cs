using System.Net;
using Microsoft.AspNetCore.SignalR;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Tests.Client.Internal;

/// <summary>What SignalR's .NET client throws, and the failure each stands for: the same cases as the TypeScript client's.</summary>
public class ConnectionFailuresTests
{
    private static readonly Uri HubUrl = new("http://localhost:5080/hubs/invalidation");

    public static TheoryData<Exception, TagInvalidationFailure, HttpStatusCode?, string> Permanent => new()
    {
        { Status(HttpStatusCode.NotFound), TagInvalidationFailure.HubNotFound, HttpStatusCode.NotFound, $"is the hub mapped at {HubUrl}?" },
        // A negotiate answered with a page (an SPA's fallback) is no negotiate response.
        { new InvalidDataException("Invalid negotiation response received.", new FormatException("'<' is an invalid start of a value.")), TagInvalidationFailure.HubNotFound, null, "is the hub mapped at" },
        { Status(HttpStatusCode.Unauthorized), TagInvalidationFailure.Unauthorized, HttpStatusCode.Unauthorized, "wants a signed-in user" },
        { Status(HttpStatusCode.Forbidden), TagInvalidationFailure.Forbidden, HttpStatusCode.Forbidden, "refused: may this user open the hub" },
        { new HubException("Unable to complete handshake with the server due to an error: The protocol 'messagepack' is not supported."), TagInvalidationFailure.ProtocolNotSupported, null, "call AddMessagePackProtocol() on the server" },
        // Transports that fall back report each attempt inside an AggregateException.
        { new AggregateException("Unable to connect to the server with any of the available transports.", new IOException("reset"), Status(HttpStatusCode.Unauthorized)), TagInvalidationFailure.Unauthorized, HttpStatusCode.Unauthorized, "wants a signed-in user" },
    };

    [Theory]
    [MemberData(nameof(Permanent))]
    public void A_failure_retrying_cannot_fix_is_named_with_its_hint(Exception error, TagInvalidationFailure failure, HttpStatusCode? status, string hint)
    {
        var found = ConnectionFailures.Classify(error, HubUrl);

        Assert.NotNull(found);
        Assert.Equal(failure, found.Failure);
        Assert.Equal(status, found.StatusCode);
        Assert.Contains(hint, found.Hint, StringComparison.Ordinal);
        Assert.Same(error, found.InnerException);
        Assert.Equal($"{found.Hint} ({error.Message})", found.Message);
    }

    public static TheoryData<Exception> Transient => new()
    {
        new HttpRequestException("Connection refused (127.0.0.1:5080)", new IOException("refused")),
        Status(HttpStatusCode.InternalServerError),
        Status(HttpStatusCode.ServiceUnavailable),
        new TimeoutException("Server timeout elapsed without receiving a message from the server."),
        new IOException("The remote party closed the WebSocket connection without completing the close handshake."),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void A_transient_failure_is_retried_and_a_gave_up_one_says_so(Exception error)
    {
        Assert.Null(ConnectionFailures.Classify(error, HubUrl));
        var gaveUp = ConnectionFailures.Classify(error, HubUrl, gaveUp: true);
        Assert.Equal(TagInvalidationFailure.GaveUp, gaveUp?.Failure);
        Assert.Same(error, gaveUp?.InnerException);
    }

    [Fact]
    public void A_policy_that_gave_up_on_a_server_it_never_reached_says_so_with_the_url()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (localhost:5080)", new IOException("refused"));

        var gaveUp = ConnectionFailures.Classify(new AggregateException(refused), HubUrl, gaveUp: true);

        Assert.Equal(TagInvalidationFailure.GaveUp, gaveUp?.Failure);
        Assert.Contains($"could not reach the server of {HubUrl}: is it up, and is the URL right?", gaveUp?.Hint, StringComparison.Ordinal);
        Assert.Equal($"could not reach the server of {HubUrl}: is it up, and is the URL right?", ConnectionFailures.Unreachable(refused, HubUrl));
        Assert.Null(ConnectionFailures.Unreachable(Status(HttpStatusCode.ServiceUnavailable), HubUrl));
    }

    [Fact]
    public void The_gated_policy_answers_null_for_a_failure_retrying_cannot_fix_and_remembers_the_reason()
    {
        var policy = new GatedRetryPolicy(new ForeverRetryPolicy(), HubUrl);
        var transient = new IOException("reset");
        var refused = Status(HttpStatusCode.Unauthorized);

        Assert.Equal(TimeSpan.Zero, policy.NextRetryDelay(new() { PreviousRetryCount = 0, RetryReason = transient }));
        Assert.Same(transient, policy.LastReason);
        Assert.Null(policy.NextRetryDelay(new() { PreviousRetryCount = 1, RetryReason = refused }));
        Assert.Same(refused, policy.LastReason);
        policy.Forget();
        Assert.Null(policy.LastReason);
    }

    private static HttpRequestException Status(HttpStatusCode status) =>
        new($"Response status code does not indicate success: {(int)status} ({status}).", null, status);
}
