namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// The last few invalidation ids seen. A connection in several target groups receives one message per group,
/// all with the same id; applying it once is enough.
/// </summary>
internal sealed class RecentInvalidationIds(int capacity = 1024)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>True the first time an id is seen.</summary>
    public bool TryAdd(string id)
    {
        if (!_ids.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }
}
