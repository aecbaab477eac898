namespace QueryTags.SignalR.Internal;

/// <summary>SignalR group names of tag prefixes: <c>qt:</c> followed by the prefix's canonical form.</summary>
internal static class TagGroupNames
{
    public const string Prefix = "qt:";

    /// <summary>The group of the first <paramref name="length"/> segments of <paramref name="tag"/>.</summary>
    public static string For(Tag tag, int length) => ForPrefix(tag.PrefixCanonical(length));

    /// <summary>The group of a prefix given by its canonical form.</summary>
    public static string ForPrefix(string prefixCanonical) => string.Concat(Prefix, prefixCanonical);

    /// <summary>The group an invalidation of <paramref name="tag"/> is sent to: its tag cut to the group depth.</summary>
    public static string Target(Tag tag, int maxGroupDepth) => For(tag, Math.Min(tag.Count, maxGroupDepth));
}
