namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// The held tags each of the last few invalidation ids was applied to. A connection in several target groups
/// receives one copy per group, all with the same id and each with the tags that target its group; an id is
/// applied to a held tag once. The TypeScript client's <c>RecentInvalidations</c> does the same; both are checked
/// against <c>tests/vectors/client.json</c>.
/// </summary>
internal sealed class RecentInvalidations(int capacity = 1024)
{
    private readonly Dictionary<string, HashSet<string>> _applied = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>The held tags of <paramref name="tags"/> that <paramref name="id"/> was not applied to yet; from now on they count as applied.</summary>
    public List<Tag> Unapplied(string id, IReadOnlyList<Tag> tags)
    {
        if (!_applied.TryGetValue(id, out var applied))
        {
            _applied[id] = applied = new HashSet<string>(StringComparer.Ordinal);
            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _applied.Remove(_order.Dequeue());
            }
        }

        return tags.Where(tag => applied.Add(tag.Canonical)).ToList();
    }

    /// <summary>
    /// The held tags of <paramref name="tags"/> that any of <paramref name="ids"/> was not applied to yet, each once;
    /// from now on they count as applied for every one of them. For a change that saved several times: a held tag one
    /// of its ids has not reached is reported, since that save's data may be newer than the last refetch.
    /// </summary>
    public List<Tag> UnappliedOfAny(IEnumerable<string> ids, IReadOnlyList<Tag> tags)
    {
        var fresh = new Dictionary<string, Tag>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            foreach (var tag in Unapplied(id, tags))
            {
                fresh.TryAdd(tag.Canonical, tag);
            }
        }

        return [.. fresh.Values];
    }
}
