namespace QueryTags.SignalR;

/// <summary>
/// The string tags under which a server cache keeps an entry known by query tags, so that invalidating a tag
/// evicts it the way clients refetch: <c>["todo"]</c> evicts what was cached for <c>["todo", 5]</c>, and
/// <c>["todo", 5]</c> does not evict <c>["todo", 6]</c>.
/// </summary>
/// <remarks>
/// An entry is tagged with the text of every prefix of each of its tags (<c>qt:["todo"]</c> and
/// <c>qt:["todo",5]</c>), and with <c>qt:all</c>; an invalidation evicts by the text of each invalidated tag, and a
/// <c>reset</c> by <c>qt:all</c>. The <c>qt:</c> prefix keeps them apart from an application's own cache tags (a
/// tag's canonical text starts with <c>[</c>, so <c>qt:all</c> is no tag's).
/// </remarks>
public static class TagCacheTags
{
    /// <summary>The cache tag every entry known by query tags carries, which a <c>reset</c> evicts by.</summary>
    internal const string All = TagPrefixes.NamePrefix + "all";

    /// <summary>
    /// The cache tags for an entry known by <paramref name="tags"/>, for example
    /// <c>cache.GetOrCreateAsync(key, factory, tags: TagCacheTags.Of(["todo", id]))</c>.
    /// </summary>
    /// <param name="tags">The query tags of the cached data.</param>
    /// <returns>The distinct cache tags: one per prefix of each tag, and the one every such entry carries.</returns>
    /// <exception cref="InvalidOperationException">A tag is <c>default(Tag)</c>.</exception>
    public static string[] Of(params Tag[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var set = new HashSet<string>(StringComparer.Ordinal) { All };
        var result = new List<string> { All };
        foreach (var tag in tags)
        {
            foreach (var text in OfOne(tag))
            {
                if (set.Add(text))
                {
                    result.Add(text);
                }
            }
        }

        return [.. result];
    }

    /// <summary>The cache tag an invalidation of <paramref name="tag"/> evicts by.</summary>
    /// <param name="tag">An invalidated tag.</param>
    /// <returns><c>qt:</c> and the tag's canonical form.</returns>
    /// <exception cref="InvalidOperationException">The tag is <c>default(Tag)</c>.</exception>
    public static string Evicting(Tag tag) => TagPrefixes.Name(tag.Canonical);

    /// <summary>The cache tags of one tag: the name of each of its prefixes.</summary>
    internal static IEnumerable<string> OfOne(Tag tag)
    {
        foreach (var prefix in TagPrefixes.Of(tag))
        {
            yield return TagPrefixes.Name(prefix);
        }
    }
}
