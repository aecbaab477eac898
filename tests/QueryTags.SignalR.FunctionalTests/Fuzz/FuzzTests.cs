using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.TestServer;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests.Fuzz;

/// <summary>
/// A seeded fuzz run against one server, in both protocols: raw WebSocket frames (malformed JSON and MessagePack,
/// wrong argument counts and types, deep nesting, oversized frames, NaN, infinities and huge integers, strings that
/// are not UTF-8, garbage cursors, subscribe storms, messages the hub does not expect, handshakes refused or never
/// sent) and HTTP requests at the hub's endpoints, at least 10,000 hostile messages in all. Each frame that must not
/// close its connection leaves it open and working; each that the protocol cannot read closes it. Afterwards the
/// server is up, well-behaved clients subscribe and receive over WebSockets and long polling, nothing was logged as
/// an error, what the library logged stayed within its rate, and the server's heap after a full collection is
/// within 32 MB of what it was before (about 10 MB measured: the memory pools of Kestrel and SignalR, pinned blocks
/// and large pooled arrays kept for reuse; four more rounds on the same server added nothing). The seed is printed;
/// <c>QUERYTAGS_FUZZ_SEED</c> replays another.
/// </summary>
[Collection(MemoryMeasurements.Name)]
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Connections = 40;
    private const int FramesPerConnection = 250;
    private const int ClosingConnections = 240;
    private const int NeverHandshaken = 40;
    private const int RefusedHandshakes = 40;
    private const int HttpRequests = 400;
    private const int AtLeast = 10_000;
    private const long MemoryBoundBytes = 32L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, int> _counts = new();

    private int Total => _counts.Values.Sum();

    [Fact]
    public async Task Hostile_input_in_both_protocols_leaves_the_server_up_serving_quiet_and_within_its_memory()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("QUERYTAGS_FUZZ_SEED"), out var chosen) ? chosen : 20_261_129;
        var logs = new LogCapture(LogLevel.Information);
        // Warnings and above from everything, and what the library writes at information level (what it rate-limits).
        var app = TestServerApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:QueryTags=Information"]);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await using var server = await KestrelServer.StartAsync(app);
        await AssertServesAsync(server, "warm-up");
        var before = MemoryMeasurements.HeapAfterFullCollection();
        var running = Stopwatch.StartNew();

        var hostile = HostilePhasesAsync(server, seed);
        var neverReading = NeverReadingHolderAsync(server, hostile);
        await hostile;
        var publishes = await neverReading;
        var duration = running.Elapsed;

        using (var http = server.Http())
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        }

        await AssertServesAsync(server, "after the run");
        await WaitUntilAllClosedAsync(server);
        var after = MemoryMeasurements.HeapAfterFullCollection();
        var growth = after - before;
        var library = logs.Entries.Where(entry => entry.Category.StartsWith("QueryTags.", StringComparison.Ordinal)).ToList();
        Measurements.Report(output, $"fuzz, seed {seed}: {Total:N0} hostile messages in {duration.TotalSeconds:F0} s ({string.Join(", ", _counts.OrderByDescending(count => count.Value).Select(count => $"{count.Key} {count.Value:N0}"))})");
        Measurements.Report(output, $"fuzz, seed {seed}: server heap after a full collection {before / 1048576.0:F1} MB before, {after / 1048576.0:F1} MB after, growth {growth / 1048576.0:F1} MB (bound: {MemoryBoundBytes / 1048576} MB); the library logged {library.Count} entries");

        publishes.Sort();
        var p99 = publishes[(int)Math.Ceiling(publishes.Count * 0.99) - 1];
        Measurements.Report(output, $"fuzz: meanwhile {publishes.Count} publishes of ~3 KB to the tags of a holder that never reads: p99 {p99:F1} ms, max {publishes[^1]:F1} ms (a stalled publisher would wait ~10 s)");

        Assert.True(Total >= AtLeast, $"only {Total} hostile messages");
        Assert.InRange(growth, long.MinValue, MemoryBoundBytes);
        Assert.Empty(logs.Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.Category}: {entry.Message}"));
        Assert.Empty(library.Where(entry => entry.Exception is not null).Select(entry => entry.Message));

        // 20 at once, then 10 a second (LoggingThrottle), plus the notes of how many were held back.
        Assert.InRange(library.Count, 1, 20 + (int)(duration.TotalSeconds * 10 * 2) + 10);
    }

    private async Task HostilePhasesAsync(KestrelServer server, int seed)
    {
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(i => SurvivableFramesAsync(server, seed + i, messagePack: i % 2 == 1)));
        await InBatchesAsync(ClosingConnections, 8, i => ClosingFrameAsync(server, seed + 10_000 + i, messagePack: i % 2 == 1));
        await InBatchesAsync(RefusedHandshakes, 8, i => RefusedHandshakeAsync(server, new Random(seed + 20_000 + i)));
        await NeverHandshakenAsync(server);
        await HttpRequestsAsync(server, new Random(seed + 30_000));
    }

    // While the hostile phases run, a connection holds 5 tags (4 of about 800 characters: what its tag-text budget
    // allows) and never reads its socket (a 4 KB receive buffer), and a publisher invalidates them about 150 times a
    // second, about 3 KB to it each time, while the rest of the hostile mix runs. The latencies are printed; that no
    // publish waits for such a reader is SlowReaderTests' to prove, by the order of events, with its buffers full.
    private async Task<List<double>> NeverReadingHolderAsync(KestrelServer server, Task hostile)
    {
        Tag[] held = [["never-reads", 0], .. Enumerable.Range(0, 4).Select(i => new Tag(["never-reads", 0, .. Enumerable.Range(0, 6).Select(s => (TagSegment)$"{i}-{s}-{new string('x', 120)}")]))];
        await using var reader = await RawHubSocket.ConnectAsync(server.HubUrl, messagePack: false, receiveBuffer: 4096);
        var subscribe = await reader.InvokeAsync("Subscribe", $"[{System.Text.Json.JsonSerializer.Serialize(held)},null]");
        var answer = await reader.CompletionAsync(subscribe);
        Assert.True(answer is not null && !answer.Contains("\"rejected\":[{", StringComparison.Ordinal), $"the never-reading holder's subscribe: {answer}");
        Count("a client that never reads");

        var latencies = new List<double>();
        while (!hostile.IsCompleted)
        {
            var started = Stopwatch.GetTimestamp();
            await server.InvalidateAsync(held);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await Task.Delay(5);
        }

        return latencies;
    }

    // One connection per protocol: frames that must leave it open, then a call that must still work.
    private async Task SurvivableFramesAsync(KestrelServer server, int seed, bool messagePack)
    {
        var random = new Random(seed);
        var messages = new HostileMessages(random, messagePack);
        await using var socket = await RawHubSocket.ConnectAsync(server.HubUrl, messagePack);
        for (var i = 0; i < FramesPerConnection; i++)
        {
            var frame = messages.Survivable();
            await socket.SendAsync(frame.Bytes, frame.Type);
            Count(frame.Kind);
        }

        // Calls beyond the rate wait their turn: the last answer may take a few seconds.
        var id = await socket.InvokeAsync("Subscribe", $"[[[\"alive\",{seed}]],null]");
        var answer = await socket.CompletionAsync(id, TimeSpan.FromSeconds(60));
        Assert.True(answer is not null, $"seed {seed}: the connection closed (or answered nothing) after frames that must not close it");
        Assert.DoesNotContain("error", answer, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    // A fresh connection and one frame the protocol cannot read: the server closes it (within the test's timeout).
    private async Task ClosingFrameAsync(KestrelServer server, int seed, bool messagePack)
    {
        var frame = new HostileMessages(new Random(seed), messagePack).Fatal();
        await using var socket = await RawHubSocket.ConnectAsync(server.HubUrl, messagePack);
        await socket.SendAsync(frame.Bytes, frame.Type);
        Count("closes: " + frame.Kind);
        await socket.ClosedAsync(TimeSpan.FromSeconds(10));
        Assert.False(socket.TimedOut, $"seed {seed}: {frame.Kind} did not close the connection");
    }

    private async Task RefusedHandshakeAsync(KestrelServer server, Random random)
    {
        await using var socket = await RawHubSocket.ConnectAsync(server.HubUrl, messagePack: false, handshake: false);
        await socket.SendAsync(new HostileMessages(random, false).BadHandshake(), WebSocketMessageType.Text);
        Count("handshake refused");
        await socket.ClosedAsync(TimeSpan.FromSeconds(10));
        Assert.False(socket.TimedOut, "a refused handshake left the connection open");
    }

    // Connections that never send the handshake are closed after the hub's handshake timeout (5 s).
    private async Task NeverHandshakenAsync(KestrelServer server)
    {
        var sockets = new List<RawHubSocket>();
        for (var i = 0; i < NeverHandshaken; i++)
        {
            sockets.Add(await RawHubSocket.ConnectAsync(server.HubUrl, messagePack: false, handshake: false));
            Count("handshake never sent");
        }

        var waiting = Stopwatch.StartNew();
        await Task.WhenAll(sockets.Select(socket => socket.ClosedAsync(TimeSpan.FromSeconds(15))));
        Measurements.Report(output, $"fuzz: {NeverHandshaken} connections that never sent a handshake were closed {waiting.Elapsed.TotalSeconds:F1} s after the last opened (handshake timeout 5 s)");
        Assert.All(sockets, socket => Assert.False(socket.TimedOut));
        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }
    }

    // Requests at the hub's HTTP endpoints that no client sends; none may fail with a 5xx.
    private async Task HttpRequestsAsync(KestrelServer server, Random random)
    {
        using var http = server.Http();
        var hub = server.HubUrl.AbsolutePath;
        var statuses = new ConcurrentDictionary<int, int>();
        for (var i = 0; i < HttpRequests; i++)
        {
            var token = Convert.ToBase64String(BitConverter.GetBytes(random.NextInt64()));
            using var request = random.Next(8) switch
            {
                0 => new HttpRequestMessage(HttpMethod.Post, $"{hub}/negotiate?negotiateVersion={random.Next(-5, 50)}") { Content = new ByteArrayContent(Bytes(random, 200)) },
                1 => new HttpRequestMessage(HttpMethod.Post, $"{hub}?id={Uri.EscapeDataString(token)}") { Content = new ByteArrayContent(Bytes(random, 500)) },
                2 => new HttpRequestMessage(HttpMethod.Get, $"{hub}?id={Uri.EscapeDataString(token)}"),
                3 => new HttpRequestMessage(HttpMethod.Get, hub),
                4 => new HttpRequestMessage(HttpMethod.Delete, $"{hub}?id={Uri.EscapeDataString(token)}"),
                5 => new HttpRequestMessage(HttpMethod.Get, $"{hub}/negotiate"),
                6 => new HttpRequestMessage(HttpMethod.Post, TestServerApp.PublishPath) { Content = new StringContent("{\"tags\":[[1.5]]}", Encoding.UTF8, "application/json") },
                _ => new HttpRequestMessage(HttpMethod.Post, $"{hub}/negotiate") { Content = new StringContent(new string('n', random.Next(1, 5000))) },
            };
            using var response = await http.SendAsync(request);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, count) => count + 1);
            Count("HTTP request");
        }

        // A long-polling connection sent garbage through its own id: it closes, the server does not mind.
        var connection = await RawHttpHub.StartAsync(server.HubUrl, HttpTransportType.LongPolling);
        await using (connection)
        {
            await connection.PostAsync([0xc1, 0x1e, .. Bytes(random, 100), 0x1e]);
            Count("HTTP request");
        }

        Measurements.Report(output, $"fuzz: HTTP answers {string.Join(", ", statuses.OrderBy(status => status.Key).Select(status => $"{status.Key} x{status.Value}"))}");
        Assert.DoesNotContain(statuses.Keys, status => status >= 500);
    }

    // Subscribes and receives over WebSockets x MessagePack and long polling x JSON.
    private static async Task AssertServesAsync(KestrelServer server, string when)
    {
        foreach (var transport in new[] { new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.MessagePack), new Transport(HttpTransportType.LongPolling, TagInvalidationProtocol.Json) })
        {
            await using var client = await RawConnection.StartAsync(server, transport);
            Tag tag = ["well-behaved", when, transport.ToString()];
            Assert.Empty((await client.SubscribeAsync(tag)).Rejected);
            var sent = await server.InvalidateAsync(tag);
            Assert.Equal(sent.Id, (await client.NextAsync()).Id);
        }
    }

    private static async Task WaitUntilAllClosedAsync(KestrelServer server)
    {
        var connections = server.Services.GetRequiredService<ConnectionTracker>();
        var waiting = Stopwatch.StartNew();
        while (connections.Count > 0 && waiting.Elapsed < TestTimeouts.Default)
        {
            await Task.Delay(100);
        }
    }

    private static async Task InBatchesAsync(int count, int batch, Func<int, Task> run)
    {
        for (var start = 0; start < count; start += batch)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(batch, count - start)).Select(run));
        }
    }

    private static byte[] Bytes(Random random, int most)
    {
        var bytes = new byte[random.Next(1, most)];
        random.NextBytes(bytes);
        return bytes;
    }

    private void Count(string kind) => _counts.AddOrUpdate(kind, 1, (_, count) => count + 1);
}
