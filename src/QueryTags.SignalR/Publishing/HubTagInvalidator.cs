using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Publishes invalidations: log first (so a concurrent subscribe sees them), then the server caches' evictions (so
/// a client refetching on the push misses them), then one send per target group, handed to SignalR and not awaited;
/// once the sends left, the log is told (a log that tracks sends has the ones never confirmed sent again).
/// </summary>
/// <remarks>
/// A group send completes when every connection of the group has taken the message, so awaiting it would let one
/// connection that never reads its socket hold up every publisher of its tags until SignalR drops it. The sends are
/// started and observed instead: a failure is logged and counted, and clients learn of what they missed from their
/// cursors. It sends through SignalR's own hub context (not the typed one), with no cancellation: once logged, an
/// invalidation is delivered whatever becomes of the publisher's request.
/// </remarks>
internal sealed class HubTagInvalidator(
    [FromKeyedServices(TagInvalidationServiceCollectionExtensions.InnerHubContextKey)] IHubContext<InvalidationHub> hubContext,
    InvalidationLog log,
    IOptions<TagInvalidationOptions> options,
    TagInvalidationMetrics metrics,
    ServerCaches caches,
    LoggingThrottle loggingThrottle,
    ResponseInvalidations responses,
    RecentlyPublished recent,
    HeldTagCounts held,
    ILogger<HubTagInvalidator> logger) : ITagInvalidator
{
    private readonly TagLimits _limits = options.Value.Limits;
    private readonly int _maxGroupDepth = options.Value.MaxGroupDepth;
    private readonly bool _sendSource = options.Value.SendSourceToClients;
    private readonly TimeSpan? _refetchSpread = options.Value.RefetchSpread;

    public Task<InvalidationMessage> InvalidateTagsAsync(IEnumerable<Tag> tags, string? source = null, CancellationToken cancellationToken = default) =>
        PublishAsync(tags, source, id: null, cancellationToken);

    public Task<InvalidationMessage> InvalidateTagsOnceAsync(string id, IEnumerable<Tag> tags, string? source = null, CancellationToken cancellationToken = default)
    {
        InvalidationIds.Check(id, nameof(id));
        return PublishAsync(tags, source, id, cancellationToken);
    }

    private async Task<InvalidationMessage> PublishAsync(IEnumerable<Tag> tags, string? source, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var distinct = new List<Tag>();
        var seen = new HashSet<Tag>();
        var index = 0;
        foreach (var tag in tags)
        {
            // The limits' reader refuses a default tag too (its count is 0: rule empty).
            if (_limits.Check(tag) is { Rule: { } rule } rejection)
            {
                throw new ArgumentException($"{TagRules.Broken($"Tag {index} {tag}", rule, rejection.Reason!)}. Nothing was sent.", nameof(tags));
            }

            if (seen.Add(tag))
            {
                distinct.Add(tag);
            }

            index++;
        }

        if (distinct.Count == 0)
        {
            throw new ArgumentException("InvalidateTagsAsync needs at least one tag. Nothing was sent.", nameof(tags));
        }

        var groups = TargetGroups(distinct);
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
                Id = id ?? IdOf(cursor),
                Tags = distinct,
                Cursor = cursor,
                Source = source,
            };
            publish?.SetTag("querytags.invalidation.id", message.Id);
            publish?.SetTag("querytags.cursor", cursor.ToString());
            if (caches.Any)
            {
                await caches.EvictAsync(message, cancellationToken);
            }

            using (var send = TagInvalidationActivities.Source.StartActivity("querytags.send", ActivityKind.Producer))
            {
                send?.SetTag("messaging.system", "signalr");
                send?.SetTag("messaging.operation.type", "send");
                send?.SetTag("querytags.groups.count", groups.Count);

                // The send's own span when traced, else the caller's (a request's): a client can join the trace.
                message.TraceParent = TagInvalidationActivities.CurrentTraceParent();
                HandOver(message, groups, resent: false);
            }

            metrics.InvalidationPublished(groups.Count);
            HubLog.InvalidationPublished(logger, message.Id, distinct.Count, groups.Count, cursor.ToString());
            responses.Note(message);
            return message;
        }
        catch (Exception ex)
        {
            TagInvalidationActivities.Failed(publish, ex);
            throw;
        }
    }

    /// <summary>
    /// Evicts and sends again an invalidation the log holds whose sends were never confirmed (the node that
    /// appended it died before its sends left, or they failed), with the id and cursor it was first sent with, so a
    /// client that did receive it applies it once.
    /// </summary>
    public async Task ResendAsync(UnsentInvalidation unsent, CancellationToken cancellationToken)
    {
        var message = new InvalidationMessage { Id = IdOf(unsent.Cursor), Tags = unsent.Tags, Cursor = unsent.Cursor };
        if (caches.Any)
        {
            await caches.EvictAsync(message, cancellationToken);
        }

        var groups = TargetGroups(unsent.Tags);
        HandOver(message, groups, resent: true);
        metrics.InvalidationPublished(groups.Count);
        PublishingLog.InvalidationResent(logger, message.Id, unsent.Tags.Count, groups.Count);
    }

    // The id names the invalidation by its place in the log, so every send of it, first or again, carries the same id.
    internal static string IdOf(InvalidationCursor cursor) => string.Concat(cursor.Epoch, "-", cursor.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // Each target group with the tags that target it, in first-seen order.
    private Dictionary<string, List<Tag>> TargetGroups(IReadOnlyList<Tag> tags)
    {
        var groups = new Dictionary<string, List<Tag>>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            var group = TagPrefixes.Name(TagPrefixes.Grouped(tag, _maxGroupDepth).Longest);
            if (!groups.TryGetValue(group, out var targeting))
            {
                groups[group] = targeting = [];
            }

            targeting.Add(tag);
        }

        return groups;
    }

    // The connections of this node the sends reach (one in two target groups counts twice: an estimate that errs
    // towards spreading). Other nodes of a scale-out are taken to hold as many, as a balancer spreads connections.
    private int AudienceOf(Dictionary<string, List<Tag>> groups)
    {
        var reached = 0;
        foreach (var group in groups.Keys)
        {
            reached += held.HoldersOf(TagPrefixes.Named(group));
        }

        return reached;
    }

    // Starts the sends and watches them without waiting: what SignalR cannot deliver is logged and counted, and left
    // unconfirmed in the log, which has it sent again; what it delivers is confirmed.
    private void HandOver(InvalidationMessage message, Dictionary<string, List<Tag>> groups, bool resent)
    {
        message.SpreadMilliseconds = RefetchSpreadWindow.ForInvalidation(AudienceOf(groups), _refetchSpread);
        Task sending;
        try
        {
            sending = SendAsync(message, groups, resent);
        }
        catch (Exception ex)
        {
            sending = Task.FromException(ex);
        }

        if (sending.IsCompletedSuccessfully)
        {
            Sent(message.Cursor!.Value);
            return;
        }

        sending.ContinueWith(
            static (task, state) =>
            {
                var (invalidator, cursor) = ((HubTagInvalidator, InvalidationCursor))state!;
                if (task.IsCompletedSuccessfully)
                {
                    invalidator.Sent(cursor);
                }
                else
                {
                    invalidator.DeliveryFailed(task);
                }
            },
            (this, message.Cursor!.Value),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    // Tells the log the sends left; a log that does not track sends returns at once.
    private void Sent(InvalidationCursor cursor)
    {
        if (log is not IInvalidationSendTracking tracking)
        {
            return;
        }

        _ = ConfirmAsync(tracking, cursor);

        async Task ConfirmAsync(IInvalidationSendTracking tracking, InvalidationCursor cursor)
        {
            try
            {
                await tracking.SentAsync(cursor, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Unconfirmed, it is sent again later: a duplicate its recipients apply once, by id.
                if (loggingThrottle.Allows(logger, LogLevel.Warning))
                {
                    PublishingLog.SendNotConfirmed(logger, cursor.ToString(), ex);
                }
            }
        }
    }

    private void DeliveryFailed(Task sending)
    {
        var error = sending.Exception?.GetBaseException() ?? new OperationCanceledException("A send was cancelled.");
        metrics.DeliveryFailed(error);
        if (loggingThrottle.Allows(logger, LogLevel.Error))
        {
            HubLimitsLog.DeliveryFailed(logger, error);
        }
    }

    // Each group gets a copy with only the tags that target it, so no holder reads a tag of the call it does not
    // hold (another user's, another tenant's). All copies share the id: a connection in several target groups
    // applies each tag of an id once.
    private Task SendAsync(InvalidationMessage message, Dictionary<string, List<Tag>> groups, bool resent)
    {
        var source = _sendSource ? message.Source : null;
        KeyValuePair<string, InvalidationMessage>[] copies = groups.Count == 1
            ? [new(groups.Keys.First(), source == message.Source ? message : Copy(message, message.Tags, source))]
            : [.. groups.Select(group => new KeyValuePair<string, InvalidationMessage>(group.Key, Copy(message, group.Value, source)))];
        var sending = copies.Length == 1
            ? hubContext.Clients.Group(copies[0].Key).SendAsync(InvalidationHubMethods.Invalidate, copies[0].Value, CancellationToken.None)
            : Task.WhenAll(copies.Select(copy =>
                hubContext.Clients.Group(copy.Key).SendAsync(InvalidationHubMethods.Invalidate, copy.Value, CancellationToken.None)));

        // Noted once the sends have started, so the diagnostics' record can never hold a send back.
        recent.Note(message, copies, resent);
        return sending;
    }

    private static InvalidationMessage Copy(InvalidationMessage message, IReadOnlyList<Tag> tags, string? source) =>
        new() { Id = message.Id, Tags = tags, Cursor = message.Cursor, Source = source, TraceParent = message.TraceParent, SpreadMilliseconds = message.SpreadMilliseconds };
}
