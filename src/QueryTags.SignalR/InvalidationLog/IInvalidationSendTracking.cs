namespace QueryTags.SignalR;

/// <summary>
/// What an <see cref="InvalidationLog"/> shared by several nodes implements besides: it remembers which invalidations'
/// sends were confirmed (<see cref="SentAsync"/>), and hands the others back (<see cref="ClaimUnsentAsync"/>) to be
/// sent again. The node that appended an invalidation can die before its sends leave while the other nodes' clients
/// go on, their cursors moving past it. A log that lives and dies with its node does not implement it: its clients
/// come back to a new epoch and reset.
/// </summary>
public interface IInvalidationSendTracking
{
    /// <summary>The sends of the invalidation at <paramref name="cursor"/> left this node (for a backplane: reached it).</summary>
    /// <param name="cursor">The invalidation's position.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask SentAsync(InvalidationCursor cursor, CancellationToken cancellationToken);

    /// <summary>
    /// Invalidations appended more than <paramref name="olderThan"/> ago whose sends were never confirmed, claimed for
    /// this node to send again (another node does not claim them for as long again).
    /// </summary>
    /// <param name="olderThan">How long a send may take before it counts as lost.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    ValueTask<IReadOnlyList<UnsentInvalidation>> ClaimUnsentAsync(TimeSpan olderThan, CancellationToken cancellationToken);
}
