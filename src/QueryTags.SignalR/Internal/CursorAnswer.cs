namespace QueryTags.SignalR.Internal;

/// <summary>
/// The cursor rules, shared by every <see cref="InvalidationLog"/>: when a subscribe gets a reset, and which held
/// tags it missed.
/// </summary>
internal static class CursorAnswer
{
    /// <summary>Every prefix of every held tag, each once: an invalidation of any of them matches the tag.</summary>
    public static List<string> PrefixesOf(IReadOnlyList<Tag> held)
    {
        var prefixes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in held)
        {
            for (var length = 1; length <= tag.Count; length++)
            {
                var prefix = tag.PrefixCanonical(length);
                if (seen.Add(prefix))
                {
                    prefixes.Add(prefix);
                }
            }
        }

        return prefixes;
    }

    public static InvalidationReplay For(InvalidationLogState state, IReadOnlyList<Tag> held, InvalidationCursor? since, TimeSpan? age)
    {
        var current = state.Current;
        if (age is not null)
        {
            // The answer starts after the last invalidation older than the age. With none kept, only a log that
            // never forgot anything can answer: a forgotten one might lie inside the age.
            if (state.AgeStart is null && state.ForgottenThrough > 0)
            {
                return new InvalidationReplay(current, true, []);
            }

            since = new InvalidationCursor(current.Epoch, Math.Max(state.AgeStart ?? 0, state.ForgottenThrough));
        }

        if (since is not { } cursor)
        {
            return new InvalidationReplay(current, false, []);
        }

        // Another epoch (the log was lost), a cursor from the future, or one before forgotten entries: nothing
        // proves that no held tag changed since.
        if (cursor.Epoch != current.Epoch || cursor.Sequence > current.Sequence || cursor.Sequence < state.ForgottenThrough)
        {
            return new InvalidationReplay(current, true, []);
        }

        var missed = new List<Tag>();
        foreach (var tag in held)
        {
            for (var length = 1; length <= tag.Count; length++)
            {
                if (state.LastInvalidated.TryGetValue(tag.PrefixCanonical(length), out var last) && last > cursor.Sequence)
                {
                    missed.Add(tag);
                    break;
                }
            }
        }

        return new InvalidationReplay(current, false, missed);
    }
}
