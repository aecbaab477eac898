using System.Diagnostics;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Tests.Server.Internal;

/// <summary>Server cache evictors run after the log append and before the send, and a failing one does not stop the push.</summary>
/// <remarks>Activity listeners are process-wide, so these tests run alone (see <see cref="ActivityTests"/>).</remarks>
[Collection(nameof(ActivityTests))]
public class HubTagInvalidatorEvictionTests
{
    [Fact]
    public async Task Every_evictor_gets_the_distinct_tags_after_the_append_and_before_the_send()
    {
        var first = new RecordingEvictor();
        var second = new RecordingEvictor();
        var server = new TestServices(evictors: [first, second]);
        first.OnEvict = () => (server.Log.CurrentAsync(default).AsTask().Result.Sequence, server.HubContext.GroupSends.Count);

        var message = await server.Invalidator.InvalidateTagsAsync([["todo", 5], ["todos"], ["todo", 5]]);

        Assert.Equal([new Tag("todo", 5), new Tag("todos")], Assert.Single(first.Calls));
        Assert.Equal([new Tag("todo", 5), new Tag("todos")], Assert.Single(second.Calls));
        // Appended before: the log's position had reached the message's cursor; sent after: no send yet.
        Assert.True(first.SeenAtEviction.Sequence >= message.Cursor!.Value.Sequence);
        Assert.Equal(0, first.SeenAtEviction.Sends);
        Assert.Equal(2, server.HubContext.GroupSends.Count);
    }

    [Fact]
    public async Task A_failing_evictor_is_logged_and_the_push_still_goes_out()
    {
        var survivor = new RecordingEvictor();
        var server = new TestServices(evictors: [new ThrowingEvictor(), survivor]);

        var message = await server.Invalidator.InvalidateTagsAsync([["todo", 5]]);

        Assert.Single(server.HubContext.GroupSends);
        Assert.Single(survivor.Calls);
        var entry = Assert.Single(server.CachesLogger.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal("EvictionFailed", entry.Event.Name);
        Assert.Contains(message.Id, entry.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ThrowingEvictor), entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public async Task A_cancelled_call_stops_at_the_eviction_and_sends_nothing()
    {
        using var cancel = new CancellationTokenSource();
        var server = new TestServices(evictors: [new CancellingEvictor(cancel)]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.Invalidator.InvalidateTagsAsync([["todo"]], cancellationToken: cancel.Token));

        Assert.Empty(server.HubContext.GroupSends);
    }

    [Fact]
    public async Task Publish_log_append_evict_and_send_are_one_trace_and_the_message_carries_the_send_span()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans);
        var server = new TestServices(evictors: [new RecordingEvictor()]);
        using var mutation = new Activity("mutation").Start();

        var message = await server.Invalidator.InvalidateTagsAsync([["todo", 5]]);

        spans.RemoveAll(span => span.TraceId != mutation.TraceId);
        var publish = Assert.Single(spans, span => span.OperationName == "querytags.publish");
        Assert.Equal(mutation.SpanId, publish.ParentSpanId);
        var children = spans.Where(span => span.ParentSpanId == publish.SpanId).Select(span => span.OperationName).ToArray();
        Assert.Equal(["querytags.log.append", "querytags.evict", "querytags.send"], children);
        var send = spans.Single(span => span.OperationName == "querytags.send");
        Assert.Equal(send.Id, message.TraceParent);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(message.Id, publish.GetTagItem("querytags.invalidation.id"));
        var sent = (InvalidationMessage)Assert.Single(Assert.Single(server.HubContext.GroupSends).Arguments)!;
        Assert.Equal(send.Id, sent.TraceParent);
        Assert.StartsWith($"00-{mutation.TraceId}-", sent.TraceParent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_listener_the_message_carries_the_callers_recorded_activity_and_otherwise_none()
    {
        var server = new TestServices();
        InvalidationMessage traced;
        using (var request = new Activity("request") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.Start())
        {
            traced = await server.Invalidator.InvalidateTagsAsync([["todo"]]);
            Assert.Equal(request.Id, traced.TraceParent);
        }

        // A request activity nobody records (ASP.NET Core starts one for every request) adds nothing to the wire.
        InvalidationMessage unrecorded;
        using (new Activity("request").Start())
        {
            unrecorded = await server.Invalidator.InvalidateTagsAsync([["todo"]]);
        }

        var untraced = await server.Invalidator.InvalidateTagsAsync([["todo"]]);

        Assert.Null(unrecorded.TraceParent);
        Assert.Null(untraced.TraceParent);
    }

    [Fact]
    public async Task A_failed_publish_marks_its_span_failed()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans);
        using var cancel = new CancellationTokenSource();
        var server = new TestServices(evictors: [new CancellingEvictor(cancel)]);
        using var mutation = new Activity("mutation").Start();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.Invalidator.InvalidateTagsAsync([["todo"]], cancellationToken: cancel.Token));

        var publish = Assert.Single(spans, span => span.OperationName == "querytags.publish" && span.TraceId == mutation.TraceId);
        Assert.Equal(ActivityStatusCode.Error, publish.Status);
    }

    private static ActivityListener Listen(List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TagInvalidationActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private sealed class RecordingEvictor : ITagEvictor
    {
        public List<IReadOnlyList<Tag>> Calls { get; } = [];

        public Func<(long Sequence, int Sends)>? OnEvict { get; set; }

        public (long Sequence, int Sends) SeenAtEviction { get; private set; }

        public ValueTask EvictAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
        {
            if (OnEvict is { } look)
            {
                SeenAtEviction = look();
            }

            lock (Calls)
            {
                Calls.Add([.. tags]);
            }

            return ValueTask.CompletedTask;
        }

        public int EvictedAll { get; private set; }

        public ValueTask EvictAllAsync(CancellationToken cancellationToken)
        {
            EvictedAll++;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingEvictor : ITagEvictor
    {
        public ValueTask EvictAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) =>
            ValueTask.FromException(new InvalidOperationException("the cache store is down"));

        public ValueTask EvictAllAsync(CancellationToken cancellationToken) =>
            ValueTask.FromException(new InvalidOperationException("the cache store is down"));
    }

    private sealed class CancellingEvictor(CancellationTokenSource cancel) : ITagEvictor
    {
        public ValueTask EvictAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
        {
            cancel.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        }

        public ValueTask EvictAllAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}

/// <summary>Tests that listen to activities, which a listener does process-wide: they run alone, after the others.</summary>
[CollectionDefinition(nameof(ActivityTests), DisableParallelization = true)]
public sealed class ActivityTests
{
}
