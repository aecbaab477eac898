using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.LoadTest.Measurement;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// The .NET SignalR load connections of a run, in this process: WebSockets (over HTTP/1.1 or HTTP/2) without
/// negotiation and MessagePack, one shared protocol and connection factory per source address (a <see cref="Microsoft.AspNetCore.SignalR.Client.HubConnectionBuilder"/>
/// per connection would build a service provider for each of 20,000 connections).
/// </summary>
internal sealed class SignalRLoadClients : ILoadClients
{
    private readonly LoadCounters _counters = new();
    private readonly List<SignalRLoadClient> _clients = [];
    private readonly List<HttpMessageInvoker> _invokers = [];
    private readonly LoadPlan _plan;
    private ChurnDriver? _churn;

    private SignalRLoadClients(LoadPlan plan) => _plan = plan;

    public int Connected => _clients.Count;

    public long ConnectErrors { get; private set; }

    public IReadOnlyList<int> ProcessIds { get; } = [Environment.ProcessId];

    /// <param name="concurrency">Connections opening at once: enough to be quick, few enough not to overflow the listen backlog.</param>
    public static async Task<SignalRLoadClients> ConnectAsync(BenchSystem system, LoadPlan plan, WebSocketTransport transport, int concurrency)
    {
        var pool = new SignalRLoadClients(plan);
        var protocol = new MessagePackHubProtocol();
        var services = new SharedServices(new ServiceCollection().AddLogging().BuildServiceProvider());
        var factories = new Dictionary<IPAddress, IConnectionFactory>();
        var defaultFactory = pool.ConnectionFactory(source: null, transport);
        foreach (var source in plan.Connections.Select(connection => connection.Source).OfType<IPAddress>().Distinct())
        {
            factories[source] = pool.ConnectionFactory(source, transport);
        }

        var connected = new SignalRLoadClient?[plan.Connections.Count];
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(plan.Connections.Select(async connection =>
        {
            await gate.WaitAsync();
            var factory = connection.Source is { } source ? factories[source] : defaultFactory;
            var client = new SignalRLoadClient(system, connection, factory, protocol, services, pool._counters);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await client.ConnectAsync(timeout.Token);
                connected[connection.Index] = client;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                await client.DisposeAsync();
            }
            finally
            {
                gate.Release();
            }
        }));

        pool._clients.AddRange(connected.OfType<SignalRLoadClient>());
        pool.ConnectErrors = plan.Connections.Count - pool._clients.Count;

        // Connecting is not what the windows measure.
        pool._counters.Collect();
        return pool;
    }

    public Task<ClientWindow> CollectAsync() => Task.FromResult(_counters.Collect());

    public Task StartChurnAsync(ChurnRates rates)
    {
        _churn = ChurnDriver.Start(_clients, _plan.SwapTags, rates, _counters);
        return Task.CompletedTask;
    }

    public async Task StopChurnAsync()
    {
        if (_churn is { } churn)
        {
            _churn = null;
            await churn.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopChurnAsync();
        using var gate = new SemaphoreSlim(256);
        await Task.WhenAll(_clients.Select(async client =>
        {
            await gate.WaitAsync();
            try
            {
                await client.DisposeAsync();
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }

    private HttpConnectionFactory ConnectionFactory(IPAddress? source, WebSocketTransport transport)
    {
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            // Over HTTP/2 a TCP connection carries as many WebSockets as the server allows streams on it (Kestrel:
            // 100); the next ones open another connection instead of waiting for a stream to end.
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (source is not null)
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                    }

                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new CountingStream(new NetworkStream(socket, ownsSocket: true), _counters.BytesRead);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
        _invokers.Add(invoker);
        var options = new HttpConnectionOptions
        {
            Transports = HttpTransportType.WebSockets,
            SkipNegotiation = true,
            WebSocketFactory = async (context, cancellationToken) =>
            {
                var webSocket = new ClientWebSocket();
                if (transport == WebSocketTransport.Http2)
                {
                    // Exactly HTTP/2: over cleartext there is no negotiation to fall back from (prior knowledge).
                    webSocket.Options.HttpVersion = HttpVersion.Version20;
                    webSocket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                }

                await webSocket.ConnectAsync(context.Uri, invoker, cancellationToken);
                return webSocket;
            },
        };
        return new HttpConnectionFactory(Options.Create(options), NullLoggerFactory.Instance);
    }

    /// <summary>
    /// The services every connection shares. A <see cref="Microsoft.AspNetCore.SignalR.Client.HubConnection"/>
    /// disposes the provider it was given when it is disposed; this one hides the provider's IDisposable.
    /// </summary>
    private sealed class SharedServices(IServiceProvider inner) : IServiceProvider
    {
        public object? GetService(Type serviceType) => inner.GetService(serviceType);
    }
}
