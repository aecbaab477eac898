using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Publishes invalidations: log first (so a concurrent subscribe sees them), then the server caches' evictions (so
/// a client refetching on the push misses them), then one send per target group.
/// </summary>
/// <remarks>
/// It sends through SignalR's own hub context (not the typed one) so the cancellation token reaches the send.
/// </remarks>
internal sealed class HubTagInvalidator(
    [FromKeyedServices(TagInvalidationServiceCollectionExtensions.InnerHubContextKey)] IHubContext<InvalidationHub> hubContext,
    InvalidationLog log,
    IOptions<TagInvalidationOptions> options,
    TagInvalidationMetrics metrics,
    IEnumerable<ITagEvictor> evictors,
    ILogger<HubTagInvalidator> logger) : ITagInvalidator
{
    private readonly ITagEvictor[] _evictors = [.. evictors];
    private readonly TagLimits _limits = options.Value.Limits;
    private readonly int _maxGroupDepth = options.Value.MaxGroupDepth;
    private readonly bool _sendOrigin = options.Value.SendOriginToClients;

    public async Task<InvalidationMessage> InvalidateTagsAsync(IEnumerable<Tag> tags, string? origin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var distinct = new List<Tag>();
        var seen = new HashSet<Tag>();

        // Each target group with the tags that target it, in first-seen order.
        var groups = new Dictionary<string, List<Tag>>(StringComparer.Ordinal);
        var index = 0;
        foreach (var tag in tags)
        {
            if (tag.Count == 0)
            {
                throw new ArgumentException($"Tag {index} is empty (default): {TagRules.Describe(TagRules.Empty)} ({TagRules.Empty}). Nothing was sent.", nameof(tags));
            }

            if (_limits.Check(tag) is { Rule: { } rule } rejection)
            {
                throw new ArgumentException($"Tag {tag} breaks rule {rule}: {rejection.Reason}. Nothing was sent.", nameof(tags));
            }

            if (seen.Add(tag))
            {
                distinct.Add(tag);
                var group = TagGroupNames.Target(tag, _maxGroupDepth);
                if (!groups.TryGetValue(group, out var targeting))
                {
                    groups[group] = targeting = [];
                }

                targeting.Add(tag);
            }

            index++;
        }

        if (distinct.Count == 0)
        {
            throw new ArgumentException("InvalidateTagsAsync needs at least one tag. Nothing was sent.", nameof(tags));
        }

        using var publish = TagInvalidationActivities.Source.StartActivity("querytags.publish");
        publish?.SetTag("querytags.tags.count", distinct.Count);
        publish?.SetTag("querytags.groups.count", groups.Count);
        try
        {
            InvalidationCursor cursor;
            using (TagInvalidationActivities.Source.StartActivity("querytags.log.append"))
            {
                cursor = await log.AppendAsync(distinct, cancellationToken);
            }

            var message = new InvalidationMessage
            {
                Id = Guid.CreateVersion7().ToString("N"),
                Tags = distinct,
                Cursor = cursor,
                Origin = origin,
            };
            publish?.SetTag("querytags.invalidation.id", message.Id);
            publish?.SetTag("querytags.cursor", cursor.ToString());
            if (_evictors.Length > 0)
            {
                await EvictAsync(message, cancellationToken);
            }

            using (var send = TagInvalidationActivities.Source.StartActivity("querytags.send", ActivityKind.Producer))
            {
                send?.SetTag("messaging.system", "signalr");
                send?.SetTag("messaging.operation.type", "send");
                send?.SetTag("querytags.groups.count", groups.Count);

                // The send's own span when traced, else the caller's (a request's): a client can join the trace.
                message.TraceParent = TagInvalidationActivities.CurrentTraceParent();
                await SendAsync(message, groups, cancellationToken);
            }

            metrics.InvalidationPublished(groups.Count);
            Log.InvalidationPublished(logger, message.Id, distinct.Count, groups.Count, cursor.ToString());
            return message;
        }
        catch (Exception ex)
        {
            TagInvalidationActivities.Failed(publish, ex);
            throw;
        }
    }

    // Every evictor, together, for the whole call; one that throws is logged and counted and does not stop the push.
    private async Task EvictAsync(InvalidationMessage message, CancellationToken cancellationToken)
    {
        using var evict = TagInvalidationActivities.Source.StartActivity("querytags.evict");
        evict?.SetTag("querytags.evictors.count", _evictors.Length);
        if (_evictors.Length == 1)
        {
            await EvictOneAsync(_evictors[0], message, evict, cancellationToken);
            return;
        }

        await Task.WhenAll(_evictors.Select(evictor => EvictOneAsync(evictor, message, evict, cancellationToken)));
    }

    private async Task EvictOneAsync(ITagEvictor evictor, InvalidationMessage message, Activity? evict, CancellationToken cancellationToken)
    {
        try
        {
            await evictor.EvictAsync(message.Tags, cancellationToken);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            TagInvalidationActivities.Failed(evict, ex);
            metrics.EvictionFailed(ex);
            Log.EvictionFailed(logger, message.Id, evictor.GetType().Name, ex);
        }
    }

    // Each group gets a copy with only the tags that target it, so no holder reads a tag of the call it does not
    // hold (another user's, another tenant's). All copies share the id: a connection in several target groups
    // applies each tag of an id once.
    private Task SendAsync(InvalidationMessage message, Dictionary<string, List<Tag>> groups, CancellationToken cancellationToken)
    {
        var origin = _sendOrigin ? message.Origin : null;
        if (groups.Count == 1)
        {
            var copy = origin == message.Origin ? message : Copy(message, message.Tags, origin);
            return hubContext.Clients.Group(groups.Keys.First()).SendAsync(InvalidationHubMethods.Invalidate, copy, cancellationToken);
        }

        return Task.WhenAll(groups.Select(group =>
            hubContext.Clients.Group(group.Key).SendAsync(InvalidationHubMethods.Invalidate, Copy(message, group.Value, origin), cancellationToken)));
    }

    private static InvalidationMessage Copy(InvalidationMessage message, IReadOnlyList<Tag> tags, string? origin) =>
        new() { Id = message.Id, Tags = tags, Cursor = message.Cursor, Origin = origin, TraceParent = message.TraceParent };
}
