using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Client;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// A plain SignalR <see cref="HubConnection"/> that records every <c>invalidate</c> message as it arrives on
/// the wire, before any client-side filtering: what a test asserts on is what the server sent.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    private readonly Channel<InvalidationMessage> _received = Channel.CreateUnbounded<InvalidationMessage>();

    private RawConnection(HubConnection connection)
    {
        Connection = connection;
        connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, message => _received.Writer.TryWrite(message));
    }

    public HubConnection Connection { get; }

    /// <param name="configure">Further settings of the HTTP connection: credentials, headers.</param>
    public static HubConnectionBuilder Builder(Uri hubUrl, Transport transport, Action<HttpConnectionOptions>? configure = null)
    {
        var builder = new HubConnectionBuilder();
        builder.WithUrl(hubUrl, transport.Type, options => configure?.Invoke(options));
        if (transport.Protocol == TagInvalidationProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder;
    }

    /// <summary>Records the messages of a connection built elsewhere (not started).</summary>
    public static RawConnection Wrap(HubConnection connection) => new(connection);

    public static Task<RawConnection> StartAsync(KestrelServer server, Transport transport) => StartAsync(server.HubUrl, transport);

    /// <param name="configure">Further settings of the HTTP connection: credentials, headers.</param>
    public static async Task<RawConnection> StartAsync(Uri hubUrl, Transport transport, Action<HttpConnectionOptions>? configure = null)
    {
        var connection = new RawConnection(Builder(hubUrl, transport, configure).Build());
        await connection.Connection.StartAsync().Within();
        return connection;
    }

    public Task<SubscribeResult> SubscribeAsync(params Tag[] tags) => SubscribeAsync(tags, (string?)null);

    public Task<SubscribeResult> SubscribeAsync(Tag[] tags, InvalidationCursor? cursor) => SubscribeAsync(tags, cursor?.ToString());

    /// <summary>Sends the cursor argument as text: an <c>epoch:sequence</c>, an <c>age:</c>, or anything at all.</summary>
    public Task<SubscribeResult> SubscribeAsync(Tag[] tags, string? cursor) =>
        Connection.InvokeAsync<SubscribeResult>(InvalidationHubMethods.Subscribe, tags, cursor).Within();

    /// <summary>Sends anything as the tags argument, to test what the server does with bad input.</summary>
    public Task<SubscribeResult> SubscribeRawAsync(object?[] tags) =>
        Connection.InvokeAsync<SubscribeResult>(InvalidationHubMethods.Subscribe, tags, null).Within();

    public Task UnsubscribeAsync(params Tag[] tags) =>
        Connection.InvokeAsync(InvalidationHubMethods.Unsubscribe, tags).Within();

    public async Task<InvalidationMessage> NextAsync() => await _received.Reader.ReadAsync().AsTask().Within();

    /// <summary>
    /// Messages arrive in the order the server sent them on one connection, so after publishing what must not
    /// arrive, the test publishes a sentinel the connection holds: everything received before it is what leaked.
    /// </summary>
    public async Task<IReadOnlyList<InvalidationMessage>> ReceivedUntilAsync(string sentinelId)
    {
        var received = new List<InvalidationMessage>();
        while (true)
        {
            var message = await NextAsync();
            if (message.Id == sentinelId)
            {
                return received;
            }

            received.Add(message);
        }
    }

    /// <summary>
    /// Subscribes <paramref name="sentinel"/>, has <paramref name="server"/> invalidate it, and returns what arrived
    /// before it: what leaked, when the test published only what must not arrive.
    /// </summary>
    public async Task<IReadOnlyList<InvalidationMessage>> ReceivedBeforeSentinelAsync(KestrelServer server, Tag sentinel)
    {
        Assert.Empty((await SubscribeAsync(sentinel)).Rejected);
        return await ReceivedUntilAsync((await server.InvalidateAsync(sentinel)).Id);
    }

    public bool HasPending => _received.Reader.TryPeek(out _);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
