namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// How many subscribers each tag has. The server hears of a tag only when its count leaves zero (subscribe) or
/// returns to it (release), so the counts answer which tags crossed that edge. The TypeScript client's
/// <c>SubscriberCounts</c> does the same job. Not thread-safe: the client changes and reads it under its lock.
/// </summary>
internal sealed class SubscriberCounts
{
    private readonly Dictionary<string, (Tag Tag, int Count)> _counts = new(StringComparer.Ordinal);

    /// <summary>The tags with at least one subscriber: what a new connection subscribes.</summary>
    public Tag[] Held => _counts.Values.Select(entry => entry.Tag).ToArray();

    /// <summary>How many subscribers <paramref name="tag"/> has; 0 when it is not held.</summary>
    public int SubscribersOf(Tag tag) => _counts.TryGetValue(tag.Canonical, out var entry) ? entry.Count : 0;

    /// <summary>Adds a subscriber to each tag (a tag named twice gets two).</summary>
    /// <returns>The tags that got their first subscriber: what to send to the server.</returns>
    /// <exception cref="ArgumentException">A tag is empty; nothing is counted then.</exception>
    public List<Tag> Add(IReadOnlyList<Tag> tags)
    {
        ThrowIfAnyEmpty(tags);
        var first = new List<Tag>();
        foreach (var tag in tags)
        {
            _counts.TryGetValue(tag.Canonical, out var entry);
            _counts[tag.Canonical] = (tag, entry.Count + 1);
            if (entry.Count == 0)
            {
                first.Add(tag);
            }
        }

        return first;
    }

    /// <summary>Removes a subscriber from each tag; tags that are not held are passed over.</summary>
    /// <returns>The tags that lost their last subscriber: what to release on the server.</returns>
    /// <exception cref="ArgumentException">A tag is empty; nothing is removed then.</exception>
    public List<Tag> Remove(IReadOnlyList<Tag> tags)
    {
        ThrowIfAnyEmpty(tags);
        var last = new List<Tag>();
        foreach (var tag in tags)
        {
            if (!_counts.TryGetValue(tag.Canonical, out var entry))
            {
                continue;
            }

            if (entry.Count <= 1)
            {
                _counts.Remove(tag.Canonical);
                last.Add(tag);
            }
            else
            {
                _counts[tag.Canonical] = (entry.Tag, entry.Count - 1);
            }
        }

        return last;
    }

    /// <summary>
    /// Drops a tag whatever its count. For a tag the server refused: it will never be delivered, and keeping it
    /// would send it again after every reconnect.
    /// </summary>
    public void Forget(Tag tag) => _counts.Remove(tag.Canonical);

    /// <summary>The held tags that an invalidation of <paramref name="invalidated"/> reaches (each held tag once).</summary>
    public List<Tag> Matching(IReadOnlyList<Tag> invalidated)
    {
        var matched = new List<Tag>();
        foreach (var (tag, _) in _counts.Values)
        {
            if (invalidated.Any(invalidation => invalidation.Matches(tag)))
            {
                matched.Add(tag);
            }
        }

        return matched;
    }

    // Checked before anything is counted, so a bad tag leaves the counts as they were.
    public static void ThrowIfAnyEmpty(IReadOnlyList<Tag> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.IsDefault)
            {
                throw new ArgumentException("An empty (default) tag is no tag: a tag needs at least one segment.", nameof(tags));
            }
        }
    }
}
