namespace QueryTags.SignalR.Internal;

/// <summary>
/// Remembers, per tag, the sequence of its last invalidation for the retention window, so a client that
/// subscribes with a cursor learns exactly which of its tags it missed, or that it must reset.
/// </summary>
internal interface IInvalidationLog
{
    /// <summary>Records one invalidation call and returns its position.</summary>
    ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken);

    /// <summary>
    /// The held tags invalidated after <paramref name="since"/>, or within the last <paramref name="age"/> (at most
    /// one of the two is given), or a reset when that cannot be told.
    /// </summary>
    ValueTask<LogReplay> ReplayAsync(IReadOnlyList<Tag> held, InvalidationCursor? since, TimeSpan? age, CancellationToken cancellationToken);
}

/// <summary>What the log answers a subscribe: the position now, and either the missed tags or a reset.</summary>
internal readonly record struct LogReplay(InvalidationCursor Current, bool Reset, IReadOnlyList<Tag> Missed);
