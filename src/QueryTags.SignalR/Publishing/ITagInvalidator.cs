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
    /// <remarks>
    /// The returned task completes once the invalidation is in the log (and the server caches are evicted) and its
    /// sends are handed to SignalR; it does not wait for any client to receive it, so a connection that does not read
    /// its socket holds up no publisher. A client that misses the message (dropped, too slow, away) is told when it
    /// subscribes again with its cursor. A send that fails after the hand-over is logged and counted
    /// (<c>querytags.deliveries.failed</c>), not thrown.
    /// </remarks>
    /// <param name="tags">The tags, such as <c>[["todos"], ["todo", id]]</c>; duplicates are sent once.</param>
    /// <param name="source">Optional free text saying where the change came from, such as the node or user that caused it (the wire field <c>origin</c>); returned, and sent to clients only when <see cref="TagInvalidationOptions.SendSourceToClients"/> is on.</param>
    /// <param name="cancellationToken">Cancels the log append and the evictions; once logged, the invalidation is sent regardless.</param>
    /// <returns>The message that was handed over, with its id and cursor.</returns>
    /// <exception cref="ArgumentException">No tags, or a tag breaks a rule; the message names the tag and the rule, and nothing was sent.</exception>
    Task<InvalidationMessage> InvalidateTagsAsync(IEnumerable<Tag> tags, string? source = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Invalidates <paramref name="tags"/> as <see cref="InvalidateTagsAsync(IEnumerable{Tag}, string?, CancellationToken)"/>
    /// does, under an id the caller derives from the change itself, so a change published twice (a relay that
    /// retries after a crash, a second node reading the same committed change) reaches each client as one
    /// invalidation: clients apply an id once.
    /// </summary>
    /// <param name="id">
    /// The invalidation's id: 1 to 128 characters of letters, digits and <c>- _ . :</c>, stable for the change
    /// (an outbox row's key, a commit's position), and unique among changes.
    /// </param>
    /// <param name="tags">The tags; duplicates are sent once.</param>
    /// <param name="source">Optional free text saying where the change came from (see <see cref="InvalidateTagsAsync(IEnumerable{Tag}, string?, CancellationToken)"/>).</param>
    /// <param name="cancellationToken">Cancels the log append and the evictions; once logged, the invalidation is sent regardless.</param>
    /// <returns>The message that was handed over, with <paramref name="id"/> and its cursor.</returns>
    /// <exception cref="ArgumentException">No tags, a tag breaks a rule, or the id is not one; nothing was sent.</exception>
    Task<InvalidationMessage> InvalidateTagsOnceAsync(string id, IEnumerable<Tag> tags, string? source = null, CancellationToken cancellationToken = default);
}
