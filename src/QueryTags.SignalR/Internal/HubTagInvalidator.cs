using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>Publishes invalidations: log first (so a concurrent subscribe sees them), then one send per group.</summary>
/// <remarks>
/// It sends through SignalR's own hub context (not the typed one) so the cancellation token reaches the send.
/// </remarks>
internal sealed class HubTagInvalidator(
    [FromKeyedServices(TagInvalidationServiceCollectionExtensions.InnerHubContextKey)] IHubContext<InvalidationHub> hubContext,
    InvalidationLog log,
    IOptions<TagInvalidationOptions> options,
    TagInvalidationMetrics metrics,
    ILogger<HubTagInvalidator> logger) : ITagInvalidator
{
    private readonly TagLimits _limits = options.Value.Limits;
    private readonly int _maxGroupDepth = options.Value.MaxGroupDepth;

    public async Task<InvalidationMessage> InvalidateTagsAsync(IEnumerable<Tag> tags, string? origin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var distinct = new List<Tag>();
        var seen = new HashSet<Tag>();
        var groups = new List<string>();
        var seenGroups = new HashSet<string>(StringComparer.Ordinal);
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
                if (seenGroups.Add(group))
                {
                    groups.Add(group);
                }
            }

            index++;
        }

        if (distinct.Count == 0)
        {
            throw new ArgumentException("InvalidateTagsAsync needs at least one tag. Nothing was sent.", nameof(tags));
        }

        var cursor = await log.AppendAsync(distinct, cancellationToken);
        var message = new InvalidationMessage
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Tags = distinct,
            Cursor = cursor,
            Origin = origin,
        };

        // One call for every group: the message is serialized once per protocol, not once per group. A
        // connection in several target groups gets one copy per group; clients apply an id once.
        await hubContext.Clients.Groups(groups).SendAsync(InvalidationHubMethods.Invalidate, message, cancellationToken);
        metrics.InvalidationPublished(groups.Count);
        Log.InvalidationPublished(logger, message.Id, distinct.Count, groups.Count, cursor.ToString());
        return message;
    }
}
