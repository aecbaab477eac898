namespace QueryTags.SignalR;

/// <summary>
/// Sends <c>reset</c> to every client connected to this node, so each refetches everything it holds. For a log or
/// a backplane that may have lost invalidations it cannot name, such as one whose store was unreachable for a while.
/// </summary>
/// <remarks>
/// Each node resets its own connections: a send to one connection stays on the node even with a backplane, so it
/// works while the backplane is still recovering.
/// </remarks>
public interface ILocalClientReset
{
    /// <summary>
    /// Evicts every server-cache entry known by query tags (each <see cref="ITagEvictor"/>), then sends
    /// <c>reset({ reason, cursor })</c> with the log's current cursor to every local connection.
    /// </summary>
    /// <param name="reason">Why, such as <c>backplane-restored</c>; clients see it.</param>
    /// <param name="cancellationToken">Cancels reading the cursor and the sends.</param>
    /// <returns>How many connections were sent a reset.</returns>
    /// <exception cref="InvalidationLogUnavailableException">The log cannot be read; nothing was sent, try again.</exception>
    /// <exception cref="Exception">An evictor failed (its own exception); nothing was sent, try again.</exception>
    Task<int> ResetAllAsync(string reason, CancellationToken cancellationToken);
}
