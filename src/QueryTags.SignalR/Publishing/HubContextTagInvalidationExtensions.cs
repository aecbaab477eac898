using Microsoft.AspNetCore.SignalR;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR;

/// <summary>Invalidation through <see cref="IHubContext{InvalidationHub}"/>, for code that already holds the hub context.</summary>
public static class HubContextTagInvalidationExtensions
{
    /// <summary>Does what <see cref="ITagInvalidator.InvalidateTagsAsync(IEnumerable{Tag}, string?, CancellationToken)"/> does.</summary>
    /// <param name="hubContext">The hub context of <see cref="InvalidationHub"/>, from dependency injection.</param>
    /// <param name="tags">The tags, such as <c>[["todos"], ["todo", id]]</c>.</param>
    /// <param name="source">Optional free text; sent to clients only when <see cref="TagInvalidationOptions.SendSourceToClients"/> is on.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The message that was sent.</returns>
    /// <exception cref="InvalidOperationException">The hub context does not come from <c>AddTagInvalidation()</c>.</exception>
    public static Task<InvalidationMessage> InvalidateTagsAsync(
        this IHubContext<InvalidationHub> hubContext,
        IEnumerable<Tag> tags,
        string? source = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hubContext);
        return hubContext is TagInvalidationHubContext context
            ? context.Invalidator.InvalidateTagsAsync(tags, source, cancellationToken)
            : throw new InvalidOperationException(TagInvalidationMarkerService.NotRegisteredMessage);
    }
}
