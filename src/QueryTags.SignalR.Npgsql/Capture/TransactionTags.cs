namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>
/// The distinct tags of one transaction's rows, at most a bound: past it, every tag is cut to a shorter prefix (the
/// longest first) until they fit, and tags added later are cut the same way. A prefix matches every tag it shortens,
/// so clients refetch more than changed, never less.
/// </summary>
internal sealed class TransactionTags(int maxTags)
{
    private HashSet<Tag> _tags = [];
    private int _maxLength = int.MaxValue;

    public int Count => _tags.Count;

    /// <summary>Rows read in the transaction.</summary>
    public int Rows { get; set; }

    /// <summary>The transaction truncated a captured table: its rows are unknown.</summary>
    public bool Truncated { get; set; }

    /// <summary>Tags were cut to prefixes to stay within the bound.</summary>
    public bool Collapsed => _maxLength != int.MaxValue;

    public IReadOnlyCollection<Tag> Tags => _tags;

    public void Add(Tag tag)
    {
        _tags.Add(tag.Count > _maxLength ? tag.Prefix(_maxLength) : tag);
        // Tags of one segment cannot be cut: past the bound they stay as they are.
        while (_tags.Count > maxTags && _maxLength > 1)
        {
            _maxLength = _tags.Max(held => held.Count) - 1;
            if (_maxLength < 1)
            {
                _maxLength = 1;
                break;
            }

            _tags = [.. _tags.Select(held => held.Count > _maxLength ? held.Prefix(_maxLength) : held)];
        }
    }
}
