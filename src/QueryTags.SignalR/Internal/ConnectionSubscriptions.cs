namespace QueryTags.SignalR.Internal;

/// <summary>
/// The tags one connection holds and how many of them share each prefix group, so a group is joined when
/// its first tag arrives and left when its last tag goes (releasing <c>["todo",5]</c> keeps <c>["todo"]</c>
/// while <c>["todo",6]</c> is held).
/// </summary>
internal sealed class ConnectionSubscriptions(int maxGroupDepth)
{
    private readonly Dictionary<string, Tag> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groupCounts = new(StringComparer.Ordinal);

    /// <summary>Serializes subscribe and unsubscribe of one connection, group joins included.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public int Count => _held.Count;

    public bool Holds(Tag tag) => _held.ContainsKey(tag.Canonical);

    /// <summary>Holds <paramref name="tag"/>; adds the groups it is the first holder of to <paramref name="groupsToJoin"/>.</summary>
    public bool Hold(Tag tag, List<string> groupsToJoin)
    {
        if (!_held.TryAdd(tag.Canonical, tag))
        {
            return false;
        }

        for (var length = 1; length <= Math.Min(tag.Count, maxGroupDepth); length++)
        {
            var group = TagGroupNames.For(tag, length);
            _groupCounts.TryGetValue(group, out var count);
            _groupCounts[group] = count + 1;
            if (count == 0)
            {
                groupsToJoin.Add(group);
            }
        }

        return true;
    }

    /// <summary>Releases <paramref name="tag"/>; adds the groups it was the last holder of to <paramref name="groupsToLeave"/>.</summary>
    public bool Release(Tag tag, List<string> groupsToLeave)
    {
        if (!_held.Remove(tag.Canonical))
        {
            return false;
        }

        for (var length = 1; length <= Math.Min(tag.Count, maxGroupDepth); length++)
        {
            var group = TagGroupNames.For(tag, length);
            var count = _groupCounts[group] - 1;
            if (count == 0)
            {
                _groupCounts.Remove(group);
                groupsToLeave.Add(group);
            }
            else
            {
                _groupCounts[group] = count;
            }
        }

        return true;
    }
}
