namespace QueryTags.SignalR.Internal;

/// <summary>What <see cref="TagAdmission"/> made of one subscribe's tags.</summary>
internal sealed class AdmittedTags(int capacity)
{
    /// <summary>Every tag of the call the connection now holds (duplicates and tags held before included): what the log is asked about.</summary>
    public List<Tag> Accepted { get; } = new(capacity);

    /// <summary>The tags this call made the connection hold: released again if the call fails.</summary>
    public List<Tag> NewlyHeld { get; } = [];

    /// <summary>The groups the connection must join for them.</summary>
    public List<string> GroupsToJoin { get; } = [];

    /// <summary>The refused tags, each with the rule it broke.</summary>
    public List<TagRejection> Rejected { get; } = [];

    /// <summary>Releases what the call made <paramref name="held"/> hold, when it fails: a failed subscribe holds nothing.</summary>
    public void Undo(ConnectionSubscriptions held)
    {
        // No group was joined yet, or the failed join leaves its groups itself once they settle.
        var groupsToLeave = new List<string>();
        foreach (var tag in NewlyHeld)
        {
            held.Release(tag, groupsToLeave);
        }
    }
}
