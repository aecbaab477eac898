using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.Client.Internal;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.Client.Internal;

/// <summary>Starting against a transport that refuses every attempt: how often, how long, and what is thrown and logged.</summary>
public class ConnectionStarterTests
{
    private readonly RefusingConnectionFactory _factory = new();
    private readonly RecordingLogger _logger = new();

    [Fact]
    public async Task When_the_policy_gives_up_a_gave_up_failure_is_thrown_with_the_last_error_inside_after_one_warning()
    {
        await using var connection = Connection();
        var policy = new RecordingPolicy(retry => retry < 2 ? TimeSpan.FromMilliseconds(retry) : null);

        var thrown = await Assert.ThrowsAsync<TagInvalidationConnectionException>(() => ConnectionStarter.StartAsync(connection, policy, _logger, HubUrl, CancellationToken.None));

        Assert.Equal(TagInvalidationFailure.GaveUp, thrown.Failure);
        Assert.Equal("refused 3", thrown.InnerException?.Message);
        Assert.Equal([0, 1, 2], policy.Asked.Select(context => context.PreviousRetryCount));
        Assert.Equal(["refused 1", "refused 2", "refused 3"], policy.Asked.Select(context => context.RetryReason?.Message));

        // One warning for the outage; the tries after it at Debug.
        Assert.Equal(
            [
                (LogLevel.Warning, new EventId(3, "StartFailed"), "Starting the connection failed (attempt 1); trying again in 00:00:00.", "refused 1"),
                (LogLevel.Debug, new EventId(3, "StartFailed"), "Starting the connection failed (attempt 2); trying again in 00:00:00.0010000.", "refused 2"),
            ],
            _logger.Entries.Select(entry => (entry.Level, entry.Event, entry.Message, entry.Exception?.Message)));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task A_failure_retrying_cannot_fix_ends_the_start_at_once_without_asking_the_policy()
    {
        var factory = new RefusingConnectionFactory(() => new HttpRequestException("Response status code does not indicate success: 404 (Not Found).", null, HttpStatusCode.NotFound));
        await using var connection = Connection(factory);
        var policy = new RecordingPolicy(_ => TimeSpan.Zero);

        var thrown = await Assert.ThrowsAsync<TagInvalidationConnectionException>(() => ConnectionStarter.StartAsync(connection, policy, _logger, HubUrl, CancellationToken.None));

        Assert.Equal(TagInvalidationFailure.HubNotFound, thrown.Failure);
        Assert.Equal(HttpStatusCode.NotFound, thrown.StatusCode);
        Assert.Equal(1, factory.Attempts);
        Assert.Empty(policy.Asked);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task Cancelling_while_it_waits_to_retry_throws_at_once_and_leaves_the_connection_disconnected()
    {
        await using var connection = Connection();
        var policy = new RecordingPolicy(_ => TimeSpan.FromMinutes(1));
        using var cancellation = new CancellationTokenSource();

        var starting = ConnectionStarter.StartAsync(connection, policy, _logger, HubUrl, cancellation.Token);
        await _factory.Attempted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(1, _factory.Attempts);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_start_makes_no_attempt()
    {
        await using var connection = Connection();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ConnectionStarter.StartAsync(connection, new RecordingPolicy(_ => TimeSpan.Zero), _logger, HubUrl, new CancellationToken(canceled: true)));

        Assert.Equal(0, _factory.Attempts);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task A_start_refused_by_a_stopping_server_waits_its_Retry_After_and_a_part_of_the_jitter_before_trying_again()
    {
        var factory = new RefusingConnectionFactory(() => new HttpRequestException("Response status code does not indicate success: 503 (Service Unavailable).", null, HttpStatusCode.ServiceUnavailable));
        await using var connection = Connection(factory);
        var retryAfter = new RetryAfterNote();
        var policy = new ServerStopRetryPolicy(new ForeverRetryPolicy(), jitter: TimeSpan.FromSeconds(2), retryAfter, random: () => 0.5);
        var time = new FakeTimeProvider();
        using var stop = new CancellationTokenSource();
        using var refused = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)) } };
        retryAfter.Note(refused, time.GetUtcNow());

        var starting = ConnectionStarter.StartAsync(connection, policy, _logger, HubUrl, stop.Token, time);
        await factory.Attempted.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // The forever policy's first delay is none: Retry-After's 3 s, then half of the 2 s jitter.
        time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.Equal(1, factory.Attempts);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => factory.Attempts == 2, "a second attempt");
        Assert.Equal("Starting the connection failed (attempt 1); trying again in 00:00:04.", _logger.Entries[0].Message);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    private static readonly Uri HubUrl = new("http://127.0.0.1:1/hubs/invalidation");

    private HubConnection Connection(IConnectionFactory? factory = null) =>
        new(factory ?? _factory, new JsonHubProtocol(), new DnsEndPoint("127.0.0.1", 1), new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance);

    /// <summary>Refuses every connection with a numbered error, or with the error <paramref name="refusal"/> makes.</summary>
    private sealed class RefusingConnectionFactory(Func<Exception>? refusal = null) : IConnectionFactory
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public TaskCompletionSource Attempted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            Attempted.TrySetResult();
            return ValueTask.FromException<ConnectionContext>(refusal?.Invoke() ?? new IOException($"refused {attempt}"));
        }
    }

    /// <summary>Answers with <c>delay(previous retry count)</c> and keeps what it was asked.</summary>
    private sealed class RecordingPolicy(Func<long, TimeSpan?> delay) : IRetryPolicy
    {
        private readonly List<RetryContext> _asked = [];

        public IReadOnlyList<RetryContext> Asked => _asked;

        public TimeSpan? NextRetryDelay(RetryContext retryContext)
        {
            _asked.Add(retryContext);
            return delay(retryContext.PreviousRetryCount);
        }
    }
}
