using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR;

/// <summary>
/// The SignalR hub clients subscribe tags on. Each held tag joins the groups of its prefixes, so an
/// invalidation reaches only the connections holding a matching tag. Map it with
/// <c>app.MapTagInvalidation()</c> after <c>services.AddTagInvalidation().AddSignalR()</c>.
/// </summary>
public sealed class InvalidationHub : Hub<IInvalidationHubClient>
{
    private readonly TagSubscriptionService _subscriptions;

    /// <summary>Created by SignalR for every call.</summary>
    /// <param name="services">The request's services; the hub's logic lives in an internal singleton.</param>
    public InvalidationHub(IServiceProvider services)
    {
        _subscriptions = services.GetService<TagSubscriptionService>()
            ?? throw new InvalidOperationException(TagInvalidationMarkerService.NotRegisteredMessage);
    }

    /// <summary>
    /// Holds <paramref name="tags"/> for this connection. Tags that break a rule are reported one by one in
    /// <see cref="SubscribeResult.Rejected"/>; the others are joined. With a <paramref name="cursor"/>, the
    /// result lists the accepted tags invalidated since then, or asks for a reset.
    /// </summary>
    /// <param name="tags">Tags as arrays of segments; each is checked on its own, so one bad tag spoils nothing else.</param>
    /// <param name="cursor">The latest cursor the client saw, or null on its first subscribe.</param>
    public Task<SubscribeResult> Subscribe(TagsArgument? tags, string? cursor) =>
        _subscriptions.SubscribeAsync(Context, Groups, tags, cursor);

    /// <summary>Releases <paramref name="tags"/>; tags not held are ignored.</summary>
    /// <param name="tags">Tags as arrays of segments.</param>
    public Task Unsubscribe(TagsArgument? tags) => _subscriptions.UnsubscribeAsync(Context, Groups, tags);

    /// <inheritdoc />
    public override Task OnConnectedAsync()
    {
        _subscriptions.Connected(Context);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception) => _subscriptions.DisconnectedAsync(Context);
}
