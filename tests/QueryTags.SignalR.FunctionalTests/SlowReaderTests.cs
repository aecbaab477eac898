using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Testing;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A connection that holds a tag and never reads its socket (or never polls) must not hold up the publishers of that
/// tag: a publisher invalidates the tag 500 times with messages of about 30 KB (15 MB, far more than the reader's
/// buffers hold), and every publish returns while the reader is still connected, so none waited for it, while a
/// well-behaved holder of the same tag receives them all. SignalR then drops the reader (WebSockets and SSE: its send
/// times out, 10 s; long polling: it stops polling, 15 s), and when it comes back with the cursor it had, it is told
/// what it missed. The publish latencies are printed, not asserted: how fast a publish is is the benchmark's to tell.
/// </summary>
public sealed class SlowReaderTests(ITestOutputHelper output)
{
    private const int Publishes = 500;
    private static readonly TimeSpan DropDeadline = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Transports => ["WebSockets", "ServerSentEvents", "LongPolling"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_holder_that_never_reads_holds_up_no_publisher_is_dropped_and_learns_what_it_missed(string transportName)
    {
        var transport = Enum.Parse<HttpTransportType>(transportName);
        // Depth 2: the 30 long tags of each publish go to the group of ["slow", 0] in one copy of about 30 KB, so a
        // reader that does not read fills its buffers within the first few hundred publishes.
        await using var server = await KestrelServer.StartAsync(options => options.MaxGroupDepth = 2);
        Tag held = ["slow", 0];
        Tag[] publish = [held, .. Enumerable.Range(0, 30).Select(i => new Tag(["slow", 0, .. Enumerable.Range(0, 6).Select(s => (TagSegment)$"{i}-{s}-{new string('x', 120)}")]))];

        var (reader, readerId, cursor) = await StartNeverReadingAsync(server, transport, held);
        await using var keptOpen = reader;
        await using var healthy = await RawConnection.StartAsync(server, new Transport(transport, TagInvalidationProtocol.Json));
        Assert.Empty((await healthy.SubscribeAsync(held)).Rejected);
        var received = 0;
        healthy.Connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, _ => Interlocked.Increment(ref received));

        var connections = server.Services.GetRequiredService<LocalConnections>();
        var latencies = new List<double>();
        for (var i = 0; i < Publishes; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await server.InvalidateAsync(publish);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // A publish that waited for the reader would return only once SignalR let go of it.
        var stillConnected = connections.TryGet(readerId, out _);
        latencies.Sort();
        var (p50, p99, max) = (Measurements.Percentile(latencies, 50), Measurements.Percentile(latencies, 99), latencies[^1]);
        Measurements.Report(output, $"slow reader, {transportName}: {Publishes} publishes of ~30 KB, publish p50 {p50:F2} ms, p99 {p99:F2} ms, max {max:F1} ms");

        Assert.True(stillConnected, "The reader was dropped before the last publish returned: a publish waited for it.");
        await Eventually.TrueAsync(() => !connections.TryGet(readerId, out _), "SignalR drops the reader", DropDeadline);
        await Eventually.TrueAsync(() => Volatile.Read(ref received) >= Publishes, () => $"the healthy holder received {received} of {Publishes}");

        // Back with the cursor it had: the tag was invalidated meanwhile.
        await using var back = await RawConnection.StartAsync(server, new Transport(transport, TagInvalidationProtocol.Json));
        var answer = await back.SubscribeAsync([held], cursor);
        Assert.False(answer.Reset);
        Assert.Equal([held], answer.Missed);
        var given = InvalidationCursor.Parse(cursor);
        Assert.Equal(given.Epoch, answer.Cursor.Epoch);
        Assert.True(answer.Cursor.Sequence > given.Sequence);
    }

    // Subscribes over a connection spoken by hand, which is never read from again (kept open by the caller, which
    // must hold on to it: a socket the GC collects is closed, which a server would notice at once): the connection, its
    // id and the cursor it was given.
    private static async Task<(IAsyncDisposable Reader, string Id, string Cursor)> StartNeverReadingAsync(KestrelServer server, HttpTransportType transport, Tag held)
    {
        var arguments = $"[[{held.Canonical}],null]";
        string? completion;
        string id;
        IAsyncDisposable reader;
        if (transport == HttpTransportType.WebSockets)
        {
            var socket = await RawHubSocket.ConnectAsync(server.HubUrl, messagePack: false, receiveBuffer: 4096);
            completion = await socket.CompletionAsync(await socket.InvokeAsync("Subscribe", arguments));
            (reader, id) = (socket, socket.ConnectionId);
        }
        else
        {
            var hub = await RawHttpHub.StartAsync(server.HubUrl, transport, receiveBuffer: 4096);
            completion = await hub.CompletionAsync(await hub.InvokeAsync("Subscribe", arguments));
            (reader, id) = (hub, hub.ConnectionId);
        }

        using var result = JsonDocument.Parse(completion!);
        return (reader, id, result.RootElement.GetProperty("result").GetProperty("cursor").GetString()!);
    }
}
