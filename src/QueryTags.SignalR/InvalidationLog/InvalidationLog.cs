using System.Security.Cryptography;

using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR;

/// <summary>
/// Remembers, per tag, the sequence of its last invalidation for a retention window, so a client that subscribes
/// with a cursor learns exactly which of its tags it missed, or that it must reset. The in-memory log serves one
/// node; the Redis package's log serves several. Derive from it to keep the log elsewhere; a log several nodes
/// share implements <see cref="IInvalidationSendTracking"/> too.
/// </summary>
/// <remarks>
/// <para>
/// An implementation stores and reads; the rules that turn what it read into an answer (reset or missed, and
/// what an age means) live here, once, so every log answers a cursor alike. The invalidator appends before it
/// sends, and a subscribe joins its groups before it replays: an invalidation racing a subscribe is then either
/// in the replay or delivered.
/// </para>
/// <para>
/// Sequences are the log's clock in microseconds, made strictly increasing (an append takes the later of the clock
/// and the highest sequence issued plus one), not a count of invalidations: a cursor a client reads, and the
/// position a subscribe answers, then tell it the time, which is no secret, and nothing about how many
/// invalidations of other people's tags happened in between.
/// </para>
/// </remarks>
public abstract class InvalidationLog
{
    /// <summary>
    /// Records one invalidation call under the next sequence number and returns its position. Throws
    /// <see cref="InvalidationLogUnavailableException"/> when the store cannot be reached: nothing may be sent then.
    /// </summary>
    /// <param name="tags">The distinct tags of the call.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    public abstract ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken);

    /// <summary>
    /// The held tags invalidated after <paramref name="since"/>, or within the last <paramref name="age"/>, or a
    /// reset when that cannot be told (another epoch, a cursor from the future, or one older than
    /// <see cref="InvalidationLogState.AnswerableFrom"/>). With neither, only the current position.
    /// </summary>
    /// <param name="held">The tags the subscriber holds.</param>
    /// <param name="since">The latest cursor the subscriber saw; at most one of <paramref name="since"/> and <paramref name="age"/>.</param>
    /// <param name="age">For a subscriber without a cursor: how far back to look.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async ValueTask<InvalidationReplay> ReplayAsync(IReadOnlyList<Tag> held, InvalidationCursor? since, TimeSpan? age, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        var prefixes = since is null && age is null ? [] : TagPrefixes.Distinct(held);
        var state = await ReadAsync(prefixes, cancellationToken);
        return CursorAnswer.For(state, held, since, age);
    }

    /// <summary>The position now and the last invalidation of every prefix of <paramref name="tags"/>, in one read.</summary>
    internal ValueTask<InvalidationLogState> ReadTagsAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) =>
        ReadAsync(TagPrefixes.Distinct(tags), cancellationToken);

    /// <summary>The log's current position, such as a <c>reset</c> message carries.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async ValueTask<InvalidationCursor> CurrentAsync(CancellationToken cancellationToken) =>
        (await ReadAsync([], cancellationToken)).Current;

    /// <summary>
    /// Reads, in one consistent step, the position now (and makes every later append take a greater sequence), the
    /// oldest sequence it can answer from, and the last invalidation of each of <paramref name="prefixes"/>.
    /// </summary>
    /// <param name="prefixes">Canonical forms of tags (every prefix of every held tag, each once).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract ValueTask<InvalidationLogState> ReadAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken);

    /// <summary>A new random epoch (12 hex digits): a log takes one whenever it starts without its past.</summary>
    protected static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
