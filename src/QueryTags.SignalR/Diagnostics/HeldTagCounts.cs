using System.Collections.Concurrent;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// What the connections of this node hold, counted across them: how many hold each tag and how many are in each prefix
/// group, the distinct tags and groups, and the holds in all. The diagnostics endpoint and the meter read it; only
/// <see cref="ConnectionSubscriptions"/> changes it, as a connection holds and releases.
/// </summary>
/// <remarks>
/// Kept as it changes, not walked when read: a walk would have to take every connection's gate, and a gauge is read
/// every few seconds. The keys are the connections' own canonical strings, so an entry costs the map's node only.
/// </remarks>
internal sealed class HeldTagCounts
{
    private readonly ConcurrentDictionary<string, int> _tagHolders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PrefixHolders> _groupHolders = new(StringComparer.Ordinal);
    private long _holds;
    private int _distinctTags;
    private int _groups;

    /// <summary>Tags held, summed over connections (a tag two connections hold counts twice).</summary>
    public long Holds => Interlocked.Read(ref _holds);

    /// <summary>Distinct tags held by at least one connection.</summary>
    public int DistinctTags => Volatile.Read(ref _distinctTags);

    /// <summary>Prefix groups at least one connection is in.</summary>
    public int Groups => Volatile.Read(ref _groups);

    public void TagHeld(string canonical)
    {
        Interlocked.Increment(ref _holds);
        if (Up(_tagHolders, canonical, static count => count + 1, 1))
        {
            Interlocked.Increment(ref _distinctTags);
        }
    }

    public void TagReleased(string canonical)
    {
        Interlocked.Decrement(ref _holds);
        if (Down(_tagHolders, canonical, static count => count == 1, static count => count - 1))
        {
            Interlocked.Decrement(ref _distinctTags);
        }
    }

    /// <param name="prefix">The prefix's canonical text.</param>
    /// <param name="depth">Its segment count.</param>
    public void GroupJoined(string prefix, int depth)
    {
        if (Up(_groupHolders, prefix, static holders => holders with { Holders = holders.Holders + 1 }, new PrefixHolders(prefix, depth, 1)))
        {
            Interlocked.Increment(ref _groups);
        }
    }

    public void GroupLeft(string prefix)
    {
        if (Down(_groupHolders, prefix, static holders => holders.Holders == 1, static holders => holders with { Holders = holders.Holders - 1 }))
        {
            Interlocked.Decrement(ref _groups);
        }
    }

    /// <summary>How many connections of this node are in the group of <paramref name="prefix"/> (canonical text).</summary>
    public int HoldersOf(string prefix) => _groupHolders.TryGetValue(prefix, out var holders) ? holders.Holders : 0;

    /// <summary>
    /// The prefixes with the most holders, at most <paramref name="top"/>, among those no deeper than
    /// <paramref name="maxDepth"/> segments and held by at least <paramref name="minimumHolders"/> connections (the
    /// disclosure rule, see <see cref="TagInvalidationDiagnosticsOptions"/>); ties in canonical order.
    /// </summary>
    public IReadOnlyList<PrefixHolders> TopPrefixes(int top, int maxDepth, int minimumHolders) =>
        [.. _groupHolders.Values
            .Where(holders => holders.Depth <= maxDepth && holders.Holders >= minimumHolders)
            .OrderByDescending(holders => holders.Holders)
            .ThenBy(holders => holders.Prefix, StringComparer.Ordinal)
            .Take(top)];

    // One more holder of `key`; true when it is the first.
    private static bool Up<T>(ConcurrentDictionary<string, T> map, string key, Func<T, T> increment, T first)
    {
        while (true)
        {
            if (map.TryGetValue(key, out var value))
            {
                if (map.TryUpdate(key, increment(value), value))
                {
                    return false;
                }
            }
            else if (map.TryAdd(key, first))
            {
                return true;
            }
        }
    }

    // One holder fewer of `key`; true when it was the last (the entry is removed only if no holder came meanwhile).
    private static bool Down<T>(ConcurrentDictionary<string, T> map, string key, Func<T, bool> isLast, Func<T, T> decrement)
    {
        while (map.TryGetValue(key, out var value))
        {
            if (isLast(value))
            {
                if (map.TryRemove(new KeyValuePair<string, T>(key, value)))
                {
                    return true;
                }
            }
            else if (map.TryUpdate(key, decrement(value), value))
            {
                return false;
            }
        }

        return false;
    }
}
