using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;
using StackExchange.Redis;

namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// Closes a user's hub connections on every node: this node's at once, the others' through a Redis channel of
/// ours (<c>{KeyPrefix}close-connections</c>) that every node subscribes to. SignalR's backplane carries messages to
/// clients, never to servers, so the nodes need a channel of their own. It rides on the log's connection.
/// </summary>
internal sealed class RedisUserConnections(
    LocalUserConnections local,
    RedisConnections connections,
    IOptions<RedisInvalidationLogOptions> options,
    ILogger<RedisUserConnections> logger) : IUserConnections, IHostedService
{
    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.KeyPrefix + "close-connections");

    // Tells this node's own messages apart: it closed its connections before publishing.
    private readonly string _node = Guid.NewGuid().ToString("N");
    private volatile IConnectionMultiplexer? _redis;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The log connects in its own StartAsync, normally before this one (it is registered first); whichever comes
        // first, the channel is subscribed once the log's connection exists, and a node that started is listening.
        Task? subscribing = null;
        connections.Observe((redis, role) =>
        {
            if (role == RedisInvalidationLog.Role)
            {
                _redis = redis;
                subscribing = SubscribeAsync(redis);
            }
        });

        if (subscribing is not null)
        {
            await subscribing;
        }
    }

    private async Task SubscribeAsync(IConnectionMultiplexer redis)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => OnMessage(message));
        }
        catch (Exception ex)
        {
            // Redis is down as the node starts: the multiplexer keeps the subscription and renews it when it reconnects.
            RedisOutageLog.CloseChannelNotSubscribedYet(logger, _channel.ToString(), ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> CloseAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = ConnectionIdentity.Of(user);
        var closed = local.Close(identity);
        if (identity.IsAnonymous)
        {
            return closed;
        }

        var message = JsonSerializer.Serialize(new CloseMessage(_node, identity.AuthenticationType, identity.Issuer, identity.ClaimType, identity.Value));
        try
        {
            if (_redis is not { } redis)
            {
                throw new InvalidOperationException("the node has not connected to Redis yet");
            }

            await redis.GetSubscriber().PublishAsync(_channel, message).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The sign-out itself stands: failing it would keep the user signed in. The user's connections on other
            // nodes go on until they reconnect.
            RedisOutageLog.CloseNotPublished(logger, RedisConnections.Describe(options.Value.Build().EndPoints), ex);
        }

        return closed;
    }

    private void OnMessage(RedisValue value)
    {
        CloseMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<CloseMessage>((string)value!);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message?.Node is not { } node || message.AuthenticationType is null)
        {
            RedisOutageLog.CloseMessageUnreadable(logger, _channel.ToString());
            return;
        }

        if (node != _node)
        {
            local.Close(new ConnectionIdentity(message.AuthenticationType, message.Issuer, message.ClaimType, message.Value));
        }
    }

    /// <summary>What travels on the channel: the node that sent it, and whose connections to close.</summary>
    private sealed record CloseMessage(string? Node, string? AuthenticationType, string? Issuer, string? ClaimType, string? Value);
}
