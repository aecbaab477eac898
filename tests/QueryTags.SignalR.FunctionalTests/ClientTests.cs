using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>The .NET client against the real hub: reference counting, events, recovery after a dropped connection.</summary>
public sealed class ClientTests(KestrelServerFixture fixture) : IClassFixture<KestrelServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task Subscribers_are_counted_per_tag(Transport transport)
    {
        await using var client = Create(Server, transport);
        var (wire, invalidated) = Record(client);
        await client.StartAsync().Within();

        Assert.NotNull(await client.SubscribeAsync([["todo", 5]]).Within());
        Assert.Null(await client.SubscribeAsync([["todo", 5]]).Within());
        await client.UnsubscribeAsync([["todo", 5]]).Within();

        var sent = await Server.InvalidateAsync(["todo", 5]);
        Assert.Equal(sent.Id, (await invalidated.NextAsync()).Message.Id);

        await client.UnsubscribeAsync([["todo", 5]]).Within();
        Assert.Empty(client.HeldTags);
        await Server.InvalidateAsync(["todo", 5]);
        await client.SubscribeAsync([["sentinel"]]).Within();
        var sentinel = await Server.InvalidateAsync(["sentinel"]);
        Assert.Equal(sent.Id, (await wire.NextAsync()).Id);
        Assert.Equal(sentinel.Id, (await wire.NextAsync()).Id);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task One_invalidation_sent_to_two_groups_raises_each_matched_tag_once(Transport transport)
    {
        await using var client = Create(Server, transport);
        var (wire, invalidated) = Record(client);
        await client.StartAsync().Within();
        await client.SubscribeAsync([["todos"], ["todo", 5]]).Within();

        var sent = await Server.InvalidateAsync(["todos"], ["todo", 5]);

        // One copy per target group, each with the tags that target it, all with the call's id.
        var copies = new[] { await wire.NextAsync(), await wire.NextAsync() };
        Assert.All(copies, copy => Assert.Equal(sent.Id, copy.Id));
        Assert.Equal(["[\"todo\",5]", "[\"todos\"]"], copies.Select(copy => Assert.Single(copy.Tags).Canonical).Order());
        var raised = new[] { await invalidated.NextAsync(), await invalidated.NextAsync() };
        Assert.Equal(["[\"todo\",5]", "[\"todos\"]"], raised.SelectMany(e => e.MatchedTags).Select(tag => tag.Canonical).Order());
        Assert.False(invalidated.HasPending);
        Assert.Equal(sent.Cursor, client.Cursor);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task After_a_server_side_abort_the_client_reconnects_and_reports_what_it_missed(Transport transport)
    {
        await using var client = Create(Server, transport, firstRetry: TimeSpan.FromSeconds(1));
        var reconnecting = new TaskCompletionSource();
        client.Connection.Reconnecting += _ =>
        {
            reconnecting.TrySetResult();
            return Task.CompletedTask;
        };
        var invalidated = new EventRecorder<TagsInvalidatedEventArgs>();
        var missed = new EventRecorder<MissedInvalidationsEventArgs>();
        var status = new EventRecorder<TagInvalidationStatusChangedEventArgs>();
        client.Invalidated += invalidated.Record;
        client.Missed += missed.Record;
        client.StatusChanged += status.Record;
        await client.StartAsync().Within();
        Assert.Equal(TagInvalidationStatus.Connecting, (await status.NextAsync()).Status);
        Assert.Equal(TagInvalidationStatus.Connected, (await status.NextAsync()).Status);
        await client.SubscribeAsync([["todo", 1], ["todo", 2], ["todos"]]).Within();
        await Server.InvalidateAsync(["todo", 1]);
        await invalidated.NextAsync();

        Assert.True(Server.AbortAllConnections() >= 1);
        await reconnecting.Task.Within();
        await Server.InvalidateAsync(["todo", 2]);

        var report = await missed.NextAsync();
        Assert.Equal([new Tag("todo", 2)], report.MissedTags);
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
        var after = await Server.InvalidateAsync(["todos"]);
        Assert.Equal(after.Id, (await invalidated.NextAsync()).Message.Id);
        Assert.Equal(TagInvalidationStatus.Reconnecting, (await status.NextAsync()).Status);
        Assert.Equal(TagInvalidationStatus.Connected, (await status.NextAsync()).Status);

        await client.StopAsync().Within();
        Assert.Equal(new TagInvalidationStatusChangedEventArgs(TagInvalidationStatus.Disconnected, null), await status.NextAsync());
        Assert.False(status.HasPending);
    }

    [Fact]
    public async Task A_push_and_Apply_of_one_id_report_its_tags_once_whichever_comes_first()
    {
        await using var client = Create(Server, WebSocketsJson);
        var (wire, invalidated) = Record(client);
        await client.StartAsync().Within();
        await client.SubscribeAsync([["todo", 31], ["todo", 32]]).Within();

        var pushed = await Server.InvalidateAsync(["todo", 31]);
        Assert.Equal(pushed.Id, (await invalidated.NextAsync()).Message.Id);
        client.Apply(pushed.Id, [["todo", 31]]);

        // Apply with the id a response header gave, racing its push: one of the two reports the tag, never both.
        var sent = await Server.InvalidateAsync(["todo", 32]);
        Assert.Equal(pushed.Id, (await wire.NextAsync()).Id);
        Assert.Equal(sent.Id, (await wire.NextAsync()).Id);
        var applied = await Server.InvalidateAsync(["todo", 31]);
        client.Apply(applied.Id, [["todo", 31]]);
        Assert.Equal(sent.Id, (await invalidated.NextAsync()).Message.Id);
        Assert.Equal(applied.Id, (await invalidated.NextAsync()).Message.Id);
        Assert.Equal(applied.Id, (await wire.NextAsync()).Id);

        var sentinel = await Server.InvalidateAsync(["todo", 32]);
        Assert.Equal(sentinel.Id, (await wire.NextAsync()).Id);
        Assert.Equal(sentinel.Id, (await invalidated.NextAsync()).Message.Id);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_server_restarted_on_the_same_address_makes_the_client_reset(Transport transport)
    {
        var invalidated = new EventRecorder<TagsInvalidatedEventArgs>();
        var (client, resets, second) = await RestartedAsync(transport, listen: client => client.Invalidated += invalidated.Record);
        await using var _ = client;
        await using var __ = second;

        Assert.Equal("cursor-unknown", (await resets.NextAsync()).Reason);
        var sent = await second.InvalidateAsync(["todos"]);
        Assert.Equal(sent.Id, (await invalidated.NextAsync()).Message.Id);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_reset_tells_the_client_how_long_to_spread_its_refetches(Transport transport)
    {
        // A restarted node answers the reconnect's subscribe with a reset, and resets its clients when its log is lost.
        var (client, resets, second) = await RestartedAsync(transport, options => options.RefetchSpread = TimeSpan.FromSeconds(3));
        await using var _ = client;
        await using var __ = second;
        var restarted = await resets.NextAsync();
        await second.Services.GetRequiredService<ILocalClientReset>().ResetAllAsync("backplane-restored", default).Within();
        var reset = await resets.NextAsync();

        Assert.Equal(("cursor-unknown", TimeSpan.FromSeconds(3)), (restarted.Reason, restarted.Spread));
        Assert.Equal(("backplane-restored", TimeSpan.FromSeconds(3)), (reset.Reason, reset.Spread));
    }

    // A started client holding ["todos"] whose server stopped and started again on the same address (configured so).
    private static async Task<(TagInvalidationClient Client, EventRecorder<ResetRequiredEventArgs> Resets, KestrelServer Second)> RestartedAsync(
        Transport transport, Action<TagInvalidationOptions>? configure = null, Action<TagInvalidationClient>? listen = null)
    {
        var first = await KestrelServer.StartAsync();
        var url = first.Address.ToString().TrimEnd('/');
        var client = Create(first, transport, firstRetry: TimeSpan.FromMilliseconds(500));
        var resets = new EventRecorder<ResetRequiredEventArgs>();
        client.ResetRequired += resets.Record;
        listen?.Invoke(client);
        await client.StartAsync().Within();
        await client.SubscribeAsync([["todos"]]).Within();
        await first.DisposeAsync();
        return (client, resets, await KestrelServer.StartAsync(configure, url: url));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task An_invalidation_between_asking_for_a_tag_and_the_first_subscribe_is_reported_as_missed(Transport transport)
    {
        // With the default margin, so the trip to the server cannot hide the change; fresh tags keep other
        // tests' invalidations out of the answer.
        var page = Guid.NewGuid().ToString("N");
        await using var client = Create(Server, transport, firstSubscribeMargin: TagInvalidationClientOptions.DefaultFirstSubscribeMargin);
        var missed = new EventRecorder<MissedInvalidationsEventArgs>();
        client.Missed += missed.Record;
        Assert.Null(await client.SubscribeAsync([["page", page, 1], ["page", page, 2]]).Within());

        // The app fetched its data here; the change lands before the client has ever subscribed.
        await Server.InvalidateAsync(["page", page, 2]);
        await client.StartAsync().Within();

        Assert.Equal([new Tag("page", page, 2)], (await missed.NextAsync()).MissedTags);
    }

    [Fact]
    public async Task Tags_subscribed_before_start_are_sent_on_start_and_rejections_are_forgotten()
    {
        await using var client = Create(Server, WebSocketsJson);
        var invalidated = new EventRecorder<TagsInvalidatedEventArgs>();
        client.Invalidated += invalidated.Record;
        Assert.Null(await client.SubscribeAsync([["early"], new Tag(Enumerable.Range(0, 9).Select(i => (TagSegment)i).ToArray())]).Within());

        await client.StartAsync().Within();

        Assert.Equal([new Tag("early")], client.HeldTags);
        var sent = await Server.InvalidateAsync(["early"]);
        Assert.Equal(sent.Id, (await invalidated.NextAsync()).Message.Id);
    }

    [Fact]
    public async Task A_refused_tag_is_logged_as_a_warning_when_no_Rejected_handler_hears_of_it()
    {
        var logs = new LogCapture(LogLevel.Warning);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        Tag tooLong = new(Enumerable.Range(0, 9).Select(i => (TagSegment)i).ToArray());
        await using var unheard = TagInvalidationClient.Create(Server.HubUrl, options => options.LoggerFactory = loggerFactory);
        await unheard.StartAsync().Within();
        await using var heard = TagInvalidationClient.Create(Server.HubUrl, options => options.LoggerFactory = loggerFactory);
        var rejected = new EventRecorder<TagsRejectedEventArgs>();
        heard.Rejected += rejected.Record;
        await heard.StartAsync().Within();

        await unheard.SubscribeAsync([tooLong]).Within();
        await heard.SubscribeAsync([tooLong]).Within();

        Assert.Equal(TagRules.TooManySegments, Assert.Single((await rejected.NextAsync()).Rejections).Rule);
        var warning = Assert.Single(logs.Entries, entry => entry.Category == typeof(TagInvalidationClient).FullName);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(tooLong.Canonical, warning.Message, StringComparison.Ordinal);
        Assert.Contains(TagRules.TooManySegments, warning.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(TagInvalidationClient.Rejected), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_before_the_server_listens_retries_until_it_is_up_and_then_subscribes_the_held_tags()
    {
        var url = KestrelServer.FreeUrl();
        var policy = new FixedDelayPolicy(TimeSpan.FromMilliseconds(200));
        await using var client = Create(HubUrl(url), WebSocketsJson, policy);
        var invalidated = new EventRecorder<TagsInvalidatedEventArgs>();
        client.Invalidated += invalidated.Record;
        await client.SubscribeAsync([["todos"]]).Within();

        var starting = client.StartAsync();
        await policy.Failures.NextAsync();
        await policy.Failures.NextAsync();
        Assert.False(starting.IsCompleted);
        await using var server = await KestrelServer.StartAsync(url: url);
        await starting.Within();

        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
        var sent = await server.InvalidateAsync(["todos"]);
        Assert.Equal(sent.Id, (await invalidated.NextAsync()).Message.Id);
    }

    [Fact]
    public async Task Cancelling_a_start_while_it_waits_to_retry_ends_it_at_once_and_leaves_the_client_disconnected()
    {
        // A minute between attempts: only the cancellation can end the start within the test's timeout.
        var policy = new FixedDelayPolicy(TimeSpan.FromMinutes(1));
        await using var client = Create(HubUrl(KestrelServer.FreeUrl()), WebSocketsJson, policy);
        using var cancellation = new CancellationTokenSource();

        var starting = client.StartAsync(cancellation.Token);
        await policy.Failures.NextAsync();
        await cancellation.CancelAsync();

        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting.Within());
        Assert.Equal(cancellation.Token, canceled.CancellationToken);
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
    }

    [Fact]
    public async Task Stopping_the_client_ends_a_start_that_waits_to_retry()
    {
        var policy = new FixedDelayPolicy(TimeSpan.FromMinutes(1));
        await using var client = Create(HubUrl(KestrelServer.FreeUrl()), WebSocketsJson, policy);

        var starting = client.StartAsync();
        await policy.Failures.NextAsync();
        await client.StopAsync().Within();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting.Within());
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
    }

    [Fact]
    public async Task A_start_the_policy_gives_up_on_throws_a_gave_up_failure_with_the_last_error_and_raises_Failed()
    {
        var policy = new FixedDelayPolicy(TimeSpan.Zero, retries: 2);
        await using var client = Create(HubUrl(KestrelServer.FreeUrl()), WebSocketsJson, policy);
        var failed = new EventRecorder<TagInvalidationFailedEventArgs>();
        client.Failed += failed.Record;

        var thrown = await Assert.ThrowsAsync<TagInvalidationConnectionException>(() => client.StartAsync().Within());

        Assert.Equal(TagInvalidationFailure.GaveUp, thrown.Failure);
        Assert.IsType<HttpRequestException>(thrown.InnerException);
        Assert.Same(thrown, (await failed.NextAsync()).Error);

        for (var retries = 0; retries <= 2; retries++)
        {
            Assert.Equal(retries, (await policy.Failures.NextAsync()).PreviousRetryCount);
        }

        Assert.False(policy.Failures.HasPending);
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
    }

    /// <summary>Records what arrives on the wire (raw handler) and what the client raises, side by side.</summary>
    private static (EventRecorder<InvalidationMessage> Wire, EventRecorder<TagsInvalidatedEventArgs> Invalidated) Record(TagInvalidationClient client)
    {
        var wire = new EventRecorder<InvalidationMessage>();
        client.Connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, message => wire.Record(null, message));
        var invalidated = new EventRecorder<TagsInvalidatedEventArgs>();
        client.Invalidated += invalidated.Record;
        return (wire, invalidated);
    }

    private static Transport WebSocketsJson => new(HttpTransportType.WebSockets, TagInvalidationProtocol.Json);

    private static Uri HubUrl(string serverUrl) => new($"{serverUrl}/hubs/invalidation");

    private static TagInvalidationClient Create(KestrelServer server, Transport transport, TimeSpan? firstRetry = null, TimeSpan? firstSubscribeMargin = null) =>
        Create(server.HubUrl, transport, firstRetry is { } delay ? new FixedDelayPolicy(delay) : null, firstSubscribeMargin);

    private static TagInvalidationClient Create(Uri hubUrl, Transport transport, IRetryPolicy? reconnect, TimeSpan? firstSubscribeMargin = null) =>
        TagInvalidationClient.Create(hubUrl, options =>
        {
            options.Transports = transport.Type;
            options.Protocol = transport.Protocol;

            // The tests share a server and reuse tags: no margin unless asked, so a first subscribe reports only
            // what happened after the test asked for its tags.
            options.FirstSubscribeMargin = firstSubscribeMargin ?? TimeSpan.Zero;
            if (reconnect is not null)
            {
                options.ReconnectPolicy = reconnect;
            }
        });

    /// <summary>Waits <paramref name="delay"/> between attempts, gives up after <paramref name="retries"/>, and records each failure it hears of.</summary>
    private sealed class FixedDelayPolicy(TimeSpan delay, int retries = int.MaxValue) : IRetryPolicy
    {
        public EventRecorder<RetryContext> Failures { get; } = new();

        public TimeSpan? NextRetryDelay(RetryContext retryContext)
        {
            Failures.Record(this, retryContext);
            return retryContext.PreviousRetryCount < retries ? delay : null;
        }
    }
}
