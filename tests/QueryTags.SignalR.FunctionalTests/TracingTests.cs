using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// Spans read with OpenTelemetry's in-memory exporter: the mutation's request span, the publish under it, the send
/// under that, in one trace, and the traceparent the client receives names the send span.
/// </summary>
[Collection(nameof(TracingCollection))]
public sealed class TracingTests
{
    [Theory]
    [InlineData(TagInvalidationProtocol.Json)]
    [InlineData(TagInvalidationProtocol.MessagePack)]
    public async Task A_mutation_request_its_publish_and_send_are_one_trace_and_the_traceparent_reaches_the_client(TagInvalidationProtocol protocol)
    {
        var spans = new ExportedSpans();
        var builder = KestrelServer.AppBuilder();
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource("QueryTags.SignalR", "Microsoft.AspNetCore")
            .AddInMemoryExporter(spans));
        builder.Services.AddTagInvalidation().AddSignalR().AddMessagePackProtocol();
        var app = builder.Build();
        app.MapTagInvalidation();
        app.MapPost("/todos/{id:int}", (int id) => Results.NoContent()).InvalidatesTags((int id) => [["todo", id]]);
        await using var server = await KestrelServer.StartAsync(app);
        using var http = server.Http();
        await using var client = await RawConnection.StartAsync(server, new Transport(HttpTransportType.WebSockets, protocol));
        await client.SubscribeAsync(["todo", 5]);

        using var response = await http.PostAsync("/todos/5", null);
        var received = await client.NextAsync();

        var id = Assert.Single(response.Headers.GetValues(InvalidationHeaders.Id));
        Assert.Equal(id, received.Id);
        var traceparent = ActivityContext.Parse(Assert.IsType<string>(received.TraceParent), null);
        var trace = await SpansOfAsync(spans, traceparent.TraceId, span => span.Kind == ActivityKind.Server);
        var request = Assert.Single(trace, span => span.Kind == ActivityKind.Server);
        var publish = Assert.Single(trace, span => span.OperationName == "querytags.publish");
        var send = Assert.Single(trace, span => span.OperationName == "querytags.send");
        Assert.Equal(request.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, send.ParentSpanId);
        Assert.Equal(send.SpanId, traceparent.SpanId);
        Assert.Equal(id, publish.GetTagItem("querytags.invalidation.id"));
        Assert.Contains(trace, span => span.OperationName == "querytags.log.append" && span.ParentSpanId == publish.SpanId);
    }

    [Fact]
    public async Task Subscribe_and_its_replay_are_spans_of_the_hub_call()
    {
        var spans = new ExportedSpans();
        var builder = KestrelServer.AppBuilder();
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource("QueryTags.SignalR").AddInMemoryExporter(spans));
        builder.Services.AddTagInvalidation().AddSignalR();
        var app = builder.Build();
        app.MapTagInvalidation();
        await using var server = await KestrelServer.StartAsync(app);
        await using var client = await RawConnection.StartAsync(server, new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.Json));

        var result = await client.SubscribeAsync([new Tag("todo", 5)], "age:1000");

        var subscribe = await SpanAsync(spans, span => span.OperationName == "querytags.subscribe");
        var replay = await SpanAsync(spans, span => span.OperationName == "querytags.replay" && span.TraceId == subscribe.TraceId);
        Assert.Equal(subscribe.SpanId, replay.ParentSpanId);
        Assert.Equal(1, subscribe.GetTagItem("querytags.tags.accepted"));
        Assert.Equal(result.Reset, replay.GetTagItem("querytags.reset"));
    }

    // Spans are exported as they end; the request's ends after the response.
    private static async Task<List<Activity>> SpansOfAsync(ExportedSpans spans, ActivityTraceId trace, Func<Activity, bool> last)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Default; ; await Task.Delay(20))
        {
            List<Activity> of = [.. spans.Where(span => span.TraceId == trace)];
            if (of.Any(last) || DateTime.UtcNow > deadline)
            {
                return of;
            }
        }
    }

    private static async Task<Activity> SpanAsync(ExportedSpans spans, Func<Activity, bool> match)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Default; ; await Task.Delay(20))
        {
            if (spans.FirstOrDefault(match) is { } span)
            {
                return span;
            }

            Assert.True(DateTime.UtcNow < deadline, "The span was not exported.");
        }
    }
}

/// <summary>What the in-memory exporter adds as spans end, safe to read while it adds.</summary>
public sealed class ExportedSpans : ICollection<Activity>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Activity> _spans = new();

    public int Count => _spans.Count;

    public bool IsReadOnly => false;

    public void Add(Activity item) => _spans.Enqueue(item);

    public void Clear() => _spans.Clear();

    public bool Contains(Activity item) => _spans.Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => _spans.CopyTo(array, arrayIndex);

    public bool Remove(Activity item) => throw new NotSupportedException();

    public IEnumerator<Activity> GetEnumerator() => _spans.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A tracer provider listens process-wide, so the tracing tests run alone, after the others.</summary>
[CollectionDefinition(nameof(TracingCollection), DisableParallelization = true)]
public sealed class TracingCollection
{
}
