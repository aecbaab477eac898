namespace QueryTags.SignalR;

/// <summary>
/// The prefixes of a tag as canonical text, shortest first (<c>["todo"]</c>, then <c>["todo",5]</c>), and the name
/// each goes by as a SignalR group and as a server-cache tag: the one place that says what "every prefix of a tag" is.
/// </summary>
/// <remarks>
/// Two bounds, each for a reason. An invalidation of any prefix matches a tag, so what matches (cursor answers, cache
/// tags) reads <see cref="Of"/>, every prefix. A connection joins groups only down to <c>MaxGroupDepth</c>, so what
/// holds a tag (and the budget that predicts what holding adds) reads <see cref="Grouped"/>.
/// </remarks>
internal readonly struct TagPrefixes
{
    /// <summary>
    /// What the name of a prefix starts with, as a group and as a cache tag: it keeps them apart from an application's
    /// own (a canonical form starts with <c>[</c>, so <c>qt:all</c> is no prefix's name).
    /// </summary>
    public const string NamePrefix = "qt:";

    private readonly Tag _tag;
    private readonly string _canonical;

    private TagPrefixes(Tag tag, int depth)
    {
        // A default tag throws here, as everywhere it is used.
        _canonical = tag.Canonical;
        _tag = tag;
        Count = Math.Min(tag.Count, depth);
    }

    /// <summary>How many prefixes there are.</summary>
    public int Count { get; }

    /// <summary>The longest prefix: for <see cref="Grouped"/>, the group an invalidation of the tag is sent to.</summary>
    public string Longest => Text(Count);

    /// <summary>Every prefix of <paramref name="tag"/>, the tag itself last: an invalidation of any of them matches it.</summary>
    public static TagPrefixes Of(Tag tag) => new(tag, int.MaxValue);

    /// <summary>The prefixes of <paramref name="tag"/> that have a group: the first <paramref name="maxGroupDepth"/>.</summary>
    public static TagPrefixes Grouped(Tag tag, int maxGroupDepth) => new(tag, maxGroupDepth);

    /// <summary>Every prefix of every tag, each once, in first-seen order.</summary>
    public static List<string> Distinct(IEnumerable<Tag> tags)
    {
        var prefixes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            foreach (var prefix in Of(tag))
            {
                if (seen.Add(prefix))
                {
                    prefixes.Add(prefix);
                }
            }
        }

        return prefixes;
    }

    /// <summary>The name of the prefix whose canonical text is <paramref name="prefix"/>, as a group and as a cache tag.</summary>
    public static string Name(string prefix) => string.Concat(NamePrefix, prefix);

    /// <summary>The canonical text of the prefix a group or cache-tag <paramref name="name"/> names.</summary>
    public static string Named(string name) => name[NamePrefix.Length..];

    public Enumerator GetEnumerator() => new(this);

    private string Text(int length) => length == _tag.Count ? _canonical : _tag.PrefixCanonical(length);

    /// <summary>Walks the prefixes without allocating anything but their text.</summary>
    public struct Enumerator(TagPrefixes prefixes)
    {
        private int _length;

        public readonly string Current => prefixes.Text(_length);

        public bool MoveNext() => ++_length <= prefixes.Count;
    }
}
