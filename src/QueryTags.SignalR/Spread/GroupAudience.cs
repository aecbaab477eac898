using System.Collections.Concurrent;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// How many connections of this node are in each tag group, so an invalidation knows how many it reaches before it
/// is sent (SignalR does not say how large a group is). Counted where a connection's state starts or stops needing
/// a group, under the connection's gate.
/// </summary>
/// <remarks>
/// One count per group in use, removed at zero. A connection holding <c>["todo", 5]</c> is in <c>["todo"]</c>'s
/// group too, so an invalidation of <c>["todo"]</c> reaches it and is counted there.
/// </remarks>
internal sealed class GroupAudience
{
    private readonly ConcurrentDictionary<string, int> _members = new(StringComparer.Ordinal);

    public void Joined(string prefixCanonical) => _members.AddOrUpdate(prefixCanonical, 1, (_, count) => count + 1);

    public void Left(string prefixCanonical)
    {
        while (_members.TryGetValue(prefixCanonical, out var count))
        {
            if (count <= 1
                ? _members.TryRemove(new KeyValuePair<string, int>(prefixCanonical, count))
                : _members.TryUpdate(prefixCanonical, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>Connections of this node in the group of <paramref name="prefixCanonical"/>.</summary>
    public int Of(string prefixCanonical) => _members.TryGetValue(prefixCanonical, out var count) ? count : 0;
}
