using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections.Features;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The tags one connection holds and how many of them share each prefix group, so a group is joined when
/// its first tag arrives and left when its last tag goes (releasing <c>["todo",5]</c> keeps <c>["todo"]</c>
/// while <c>["todo",6]</c> is held).
/// </summary>
/// <remarks>
/// Kept lean because an idle server holds one per connection: a single map from canonical text to a packed
/// count, keyed by the held tag's own canonical string where it can be, so holding a tag keeps no segments
/// and no group names (those are built when a group is joined or left).
/// </remarks>
internal sealed class ConnectionSubscriptions(int maxGroupDepth)
{
    // Value: bit 0 is set when the text is a held tag; the bits above count the held tags whose prefix groups
    // include the text's group.
    private const int HeldFlag = 1;
    private const int GroupStep = 2;

    private readonly Dictionary<string, int> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// Asks SignalR to close the connection with a close message that allows a reconnect (a stopping node sends its
    /// clients elsewhere); null when the transport has no such feature.
    /// </summary>
    public IConnectionLifetimeNotificationFeature? Lifetime { get; init; }

    /// <summary>The node's count of connections per group, which this connection's groups add to; null once it left.</summary>
    public GroupAudience? Audience { get; set; }

    /// <summary>Serializes subscribe and unsubscribe of one connection, group joins included.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public int Count { get; private set; }

    /// <summary>Prefix groups the connection is in.</summary>
    public int GroupCount { get; private set; }

    /// <summary>Characters of canonical text of the held tags and of the groups the connection is in.</summary>
    public int TextLength { get; private set; }

    /// <summary>The connection's rate of calls and tags; the subscription service reads and updates it under <see cref="Gate"/>.</summary>
    public CallRate Rate;

    /// <summary>Policy and handler answers of the tag authorization rules for this connection; null until one is asked.</summary>
    public Dictionary<string, bool>? AuthorizationAnswers { get; set; }

    public bool Holds(Tag tag) => _entries.TryGetValue(tag.Canonical, out var entry) && (entry & HeldFlag) != 0;

    /// <summary>Whether the connection is in the group of the prefix with this canonical text.</summary>
    public bool InGroup(string prefixCanonical) => _entries.TryGetValue(prefixCanonical, out var entry) && entry >= GroupStep;

    /// <summary>
    /// What holding <paramref name="tag"/> now would add: the groups it would be the first holder of, and the text the
    /// connection would keep (the tag's own and those groups'); nothing for a tag held already. <see cref="Hold"/> adds
    /// exactly this, which is what lets the admission's budget refuse a tag before it is held.
    /// </summary>
    public HoldCost CostOf(Tag tag)
    {
        if (Holds(tag))
        {
            return default;
        }

        var cost = new HoldCost(0, tag.Canonical.Length);
        foreach (var prefix in TagPrefixes.Grouped(tag, maxGroupDepth))
        {
            if (!InGroup(prefix))
            {
                cost = new HoldCost(cost.Groups + 1, cost.Text + prefix.Length);
            }
        }

        return cost;
    }

    /// <summary>Holds <paramref name="tag"/>; adds the groups it is the first holder of to <paramref name="groupsToJoin"/>.</summary>
    public bool Hold(Tag tag, List<string> groupsToJoin)
    {
        ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, tag.Canonical, out _);
        if ((held & HeldFlag) != 0)
        {
            return false;
        }

        held |= HeldFlag;
        Count++;
        TextLength += tag.Canonical.Length;
        foreach (var prefix in TagPrefixes.Grouped(tag, maxGroupDepth))
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, prefix, out _);
            if (entry < GroupStep)
            {
                groupsToJoin.Add(TagPrefixes.Name(prefix));
                Audience?.Joined(prefix);
                GroupCount++;
                TextLength += prefix.Length;
            }

            entry += GroupStep;
        }

        return true;
    }

    /// <summary>Releases <paramref name="tag"/>; adds the groups it was the last holder of to <paramref name="groupsToLeave"/>.</summary>
    public bool Release(Tag tag, List<string> groupsToLeave)
    {
        if (!_entries.TryGetValue(tag.Canonical, out var held) || (held & HeldFlag) == 0)
        {
            return false;
        }

        Settle(tag.Canonical, held & ~HeldFlag);
        Count--;
        TextLength -= tag.Canonical.Length;
        foreach (var prefix in TagPrefixes.Grouped(tag, maxGroupDepth))
        {
            var entry = _entries[prefix] - GroupStep;
            if (entry < GroupStep)
            {
                groupsToLeave.Add(TagPrefixes.Name(prefix));
                Audience?.Left(prefix);
                GroupCount--;
                TextLength -= prefix.Length;
            }

            Settle(prefix, entry);
        }

        return true;
    }

    /// <summary>
    /// Takes the closed connection's groups off the node's counts, under its gate so a subscribe still in flight
    /// counts first; later holds count nothing.
    /// </summary>
    public async Task LeaveAudienceAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (Audience is { } audience)
            {
                Audience = null;
                foreach (var (text, entry) in _entries)
                {
                    if (entry >= GroupStep)
                    {
                        audience.Left(text);
                    }
                }
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private void Settle(string text, int entry)
    {
        if (entry == 0)
        {
            _entries.Remove(text);
        }
        else
        {
            _entries[text] = entry;
        }
    }
}
