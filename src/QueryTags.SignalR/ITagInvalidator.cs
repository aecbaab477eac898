namespace QueryTags.SignalR;

/// <summary>Invalidates tags: every client holding a matching tag refetches. Inject it into handlers.</summary>
public interface ITagInvalidator
{
    /// <summary>
    /// Records the invalidation in the log and sends each distinct target group a copy with the tags that target
    /// it, so it reaches only the connections holding a tag that <paramref name="tags"/> matches (is a prefix of),
    /// and none reads a tag it does not hold. A connection in several of those groups receives one copy per group,
    /// all with the same id.
    /// </summary>
    /// <param name="tags">The tags, such as <c>[["todos"], ["todo", id]]</c>; duplicates are sent once.</param>
    /// <param name="origin">Optional free text, such as the node or user that caused it; returned, and sent to clients only when <see cref="TagInvalidationOptions.SendOriginToClients"/> is on.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The message that was sent, with its id and cursor.</returns>
    /// <exception cref="ArgumentException">No tags, or a tag breaks a rule; the message names the tag and the rule, and nothing was sent.</exception>
    Task<InvalidationMessage> InvalidateTagsAsync(IEnumerable<Tag> tags, string? origin = null, CancellationToken cancellationToken = default);
}
