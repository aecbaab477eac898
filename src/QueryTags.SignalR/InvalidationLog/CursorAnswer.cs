namespace QueryTags.SignalR.Internal;

/// <summary>
/// The cursor rules, shared by every <see cref="InvalidationLog"/>: when a subscribe gets a reset, and which held
/// tags it missed.
/// </summary>
internal static class CursorAnswer
{
    /// <summary>Microseconds, the unit of a log's sequences, in <paramref name="duration"/> (at least 0).</summary>
    public static long Microseconds(TimeSpan duration) => Math.Max(0, duration.Ticks / (TimeSpan.TicksPerMillisecond / 1000));

    public static InvalidationReplay For(InvalidationLogState state, IReadOnlyList<Tag> held, InvalidationCursor? since, TimeSpan? age)
    {
        var current = state.Current;

        // Sequences are the log's clock in microseconds: an age is a cursor that long before now.
        if (age is { } window)
        {
            since = new InvalidationCursor(current.Epoch, current.Sequence - Math.Min(current.Sequence, Microseconds(window)));
        }

        if (since is not { } cursor)
        {
            return new InvalidationReplay(current, false, []);
        }

        // Another epoch (the log was lost), a cursor from the future, or one older than what the log can answer:
        // nothing proves that no held tag changed since. A cursor older than the retention window is reset even
        // when the log forgot nothing after it: whether it did would tell a connection that others' invalidations
        // happened, and when.
        if (cursor.Epoch != current.Epoch || cursor.Sequence > current.Sequence || cursor.Sequence < state.AnswerableFrom)
        {
            return new InvalidationReplay(current, true, []);
        }

        var missed = new List<Tag>();
        foreach (var tag in held)
        {
            foreach (var prefix in TagPrefixes.Of(tag))
            {
                if (state.LastInvalidated.TryGetValue(prefix, out var last) && last > cursor.Sequence)
                {
                    missed.Add(tag);
                    break;
                }
            }
        }

        return new InvalidationReplay(current, false, missed);
    }
}
