namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>Tags in first-seen order, each once: what one invalidation will carry.</summary>
internal sealed class DistinctTags
{
    private readonly HashSet<Tag> _seen = [];
    private readonly List<Tag> _tags = [];

    public int Count => _tags.Count;

    public IReadOnlyList<Tag> Tags => _tags;

    public void Add(Tag tag)
    {
        if (_seen.Add(tag))
        {
            _tags.Add(tag);
        }
    }

    public void AddRange(IEnumerable<Tag> tags)
    {
        foreach (var tag in tags)
        {
            Add(tag);
        }
    }
}
