using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Testing;
using QueryTags.SignalR.TestServer;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A rolling deploy: of two nodes on one redis-server behind a load balancer, the first stops while clients are
/// connected to it. It refuses new connections (503 with Retry-After), tells its clients to reconnect, and stops in
/// seconds instead of the host's 30 s shutdown timeout; the clients come back on the other node with their cursor
/// and miss nothing that was published meanwhile.
/// </summary>
public sealed class DrainTests(ITestOutputHelper output)
{
    private static readonly Transport[] Transports =
    [
        new(HttpTransportType.WebSockets, TagInvalidationProtocol.Json),
        new(HttpTransportType.WebSockets, TagInvalidationProtocol.MessagePack),
        new(HttpTransportType.ServerSentEvents, TagInvalidationProtocol.Json),
        new(HttpTransportType.LongPolling, TagInvalidationProtocol.MessagePack),
    ];

    [Fact]
    public async Task A_stopping_node_refuses_new_connections_sends_its_clients_to_the_other_node_and_stops_in_seconds()
    {
        await using var redis = await RedisServer.StartAsync();
        // The host's own shutdown timeout is far beyond every wait of the test: a stop that ends within them was ended
        // by the drain.
        var nodeA = await KestrelServer.StartAsync(TestServerApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Redis", redis.Configuration, "--shutdownTimeoutSeconds", "600"],
            options => options.DrainTimeout = TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromMinutes(10), nodeA.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        await using var nodeB = await KestrelServer.StartAsync(redis: redis.Configuration);
        await using var balancer = await FrontProxy.StartAsync(nodeA, nodeB);
        Tag tag = ["drain", Guid.NewGuid().ToString("N")];
        var clients = Transports.Select(transport => new MovingClient(balancer.HubUrl, transport)).ToArray();
        await using var _ = new AsyncDisposables(clients);
        foreach (var client in clients)
        {
            await client.Client.StartAsync().Within();
            await client.Client.SubscribeAsync([tag]).Within();
        }

        // A client that never answers the close keeps the drain open for its whole timeout, long enough to try a
        // negotiate during it.
        await using var stuck = await RawHubSocket.ConnectAsync(nodeA.HubUrl, messagePack: false);
        using var publishing = new CancellationTokenSource();
        var publisher = PublishUntilAsync(nodeB, tag, publishing.Token);
        await Task.WhenAll(clients.Select(client => client.HeardLive.Task)).Within();
        Assert.Equal(clients.Length + 1, await OpenConnectionsAsync(nodeA));

        var stopwatch = Stopwatch.StartNew();
        // The stopping callbacks run on the thread that stops the host, which the drain holds: not this one.
        var stopped = Task.Run(() => nodeA.DisposeAsync().AsTask());
        var refusal = await NegotiateDuringTheDrainAsync(nodeA, stopped);
        await stopped.WaitAsync(TimeSpan.FromSeconds(40));
        var stopTime = stopwatch.Elapsed;

        await Task.WhenAll(clients.Select(client => client.Resubscribed.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        await publishing.CancelAsync();
        var published = await publisher;
        var last = await nodeB.InvalidateAsync(tag);
        await Task.WhenAll(clients.Select(client => client.HeardAsync(last.Cursor!.Value.Sequence))).Within();

        Measurements.Report(output, $"drain: a node with {clients.Length + 1} connections stopped in {stopTime.TotalSeconds:0.0} s (drain timeout 2 s; the host's shutdown timeout is 10 min); its clients were back on the other node {stopwatch.Elapsed.TotalSeconds:0.0} s after the stop began");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusal.Status);
        Assert.Equal("1", refusal.RetryAfter);

        // A new WebSocket was refused too; a long poll went through (to SignalR, which knows no such connection).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusal.WebSocket);
        Assert.Equal(HttpStatusCode.NotFound, refusal.LongPoll);
        Assert.Equal(clients.Length, await OpenConnectionsAsync(nodeB));
        foreach (var client in clients)
        {
            // Told to go by the close message (no error), not cut: a cut WebSocket would say 1006.
            Assert.Null(client.ReconnectReason);
            Assert.False(client.WasReset, $"{client.Transport}: a reset means its cursor was not taken.");
            Assert.Empty(client.Unheard([.. published, last.Cursor!.Value.Sequence]));
        }
    }

    /// <summary>
    /// What new connections got from the stopping node: it keeps negotiating until one is refused (or the node is gone),
    /// then tries a WebSocket and a long poll at once, while the stuck socket holds the drain open.
    /// </summary>
    private static async Task<(HttpStatusCode Status, string? RetryAfter, HttpStatusCode WebSocket, HttpStatusCode LongPoll)> NegotiateDuringTheDrainAsync(KestrelServer node, Task stopped)
    {
        using var http = new HttpClient { BaseAddress = node.Address, Timeout = TestTimeouts.Default };
        while (!stopped.IsCompleted)
        {
            try
            {
                using var response = await http.PostAsync("/hubs/invalidation/negotiate?negotiateVersion=1", null);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    using var poll = await http.GetAsync("/hubs/invalidation?id=unknown");
                    return (response.StatusCode, response.Headers.RetryAfter?.ToString(), await WebSocketStatusAsync(node), poll.StatusCode);
                }
            }
            catch (HttpRequestException)
            {
                break;
            }

            await Task.Delay(10);
        }

        return default;
    }

    private static async Task<HttpStatusCode> WebSocketStatusAsync(KestrelServer node)
    {
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{node.Address.Authority}/hubs/invalidation?id=unknown"), CancellationToken.None).Within();
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
        }

        return socket.HttpStatusCode;
    }

    private static async Task<int> OpenConnectionsAsync(KestrelServer node)
    {
        using var http = node.Http();
        return (await http.GetFromJsonAsync<JsonElement>("/connections")).GetProperty("open").GetInt32();
    }

    // Every 50 ms, until cancelled; returns the sequence of each invalidation.
    private static async Task<List<long>> PublishUntilAsync(KestrelServer node, Tag tag, CancellationToken stop)
    {
        var published = new List<long>();
        while (!stop.IsCancellationRequested)
        {
            published.Add((await node.InvalidateAsync(tag)).Cursor!.Value.Sequence);
            await Task.Delay(50, CancellationToken.None);
        }

        return published;
    }

    /// <summary>
    /// A client behind the balancer, and what it heard: each invalidation live, or covered by a <c>missed</c> answer
    /// (every sequence after the cursor it had when its connection went, up to the answer's cursor).
    /// </summary>
    private sealed class MovingClient : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private readonly HashSet<long> _live = [];
        private readonly List<(long After, long UpTo)> _covered = [];
        private long _cursorWhenAway = -1;

        public MovingClient(Uri hubUrl, Transport transport)
        {
            Transport = transport;
            Client = TagInvalidationClient.Create(hubUrl, options =>
            {
                options.Transports = transport.Type;
                options.Protocol = transport.Protocol;
                options.FirstSubscribeMargin = TimeSpan.Zero;

                // Four clients make no herd: a short spread keeps the test short.
                options.ServerStopJitter = TimeSpan.FromMilliseconds(500);
            });
            Client.Invalidated += (_, e) =>
            {
                lock (_gate)
                {
                    _live.Add(e.Message.Cursor!.Value.Sequence);
                }

                HeardLive.TrySetResult();
            };
            Client.Missed += (_, e) =>
            {
                lock (_gate)
                {
                    _covered.Add((_cursorWhenAway, e.Cursor!.Value.Sequence));
                }

                Resubscribed.TrySetResult();
            };
            Client.ResetRequired += (_, _) => WasReset = true;
            Client.Connection.Reconnecting += error =>
            {
                ReconnectReason ??= error;
                lock (_gate)
                {
                    _cursorWhenAway = Client.Cursor?.Sequence ?? -1;
                }

                return Task.CompletedTask;
            };
        }

        public Transport Transport { get; }

        public TagInvalidationClient Client { get; }

        public TaskCompletionSource HeardLive { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Resubscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? ReconnectReason { get; private set; }

        public bool WasReset { get; private set; }

        public async Task HeardAsync(long sequence)
        {
            while (!Heard(sequence))
            {
                await Task.Delay(10);
            }
        }

        /// <summary>The published sequences it neither heard nor was told it missed.</summary>
        public IEnumerable<long> Unheard(IEnumerable<long> published) => published.Where(sequence => !Heard(sequence)).ToList();

        public ValueTask DisposeAsync() => Client.DisposeAsync();

        private bool Heard(long sequence)
        {
            lock (_gate)
            {
                return _live.Contains(sequence) || _covered.Any(range => sequence > range.After && sequence <= range.UpTo);
            }
        }
    }

    private sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var item in items)
            {
                await item.DisposeAsync();
            }
        }
    }
}
