namespace QueryTags.SignalR;

/// <summary>
/// What the diagnostics endpoint (<c>MapTagInvalidationDiagnostics</c>) shows of the held tags. It shows counts by
/// prefix only, and only prefixes that cannot name a person: no deeper than <see cref="PrefixDepth"/> segments and held
/// by at least <see cref="MinimumHolders"/> connections, so <c>["user", "alice"]</c> is never listed, nor a first
/// segment only one connection holds.
/// </summary>
public sealed class TagInvalidationDiagnosticsOptions
{
    /// <summary>
    /// How many prefixes the answer lists at most, those with the most holders first; a request's <c>?top=</c> may ask
    /// for fewer. 20 by default; 1 to 1000.
    /// </summary>
    public int MaxPrefixes { get; set; } = 20;

    /// <summary>
    /// How many segments a listed prefix may have. 1 by default (<c>["todo"]</c>, never <c>["todo", 5]</c>): the
    /// segments after the first are where ids live. At most <see cref="TagInvalidationOptions.MaxGroupDepth"/>.
    /// </summary>
    public int PrefixDepth { get; set; } = 1;

    /// <summary>
    /// How many connections of the node must hold a prefix before it is listed. 3 by default, so a prefix held by one
    /// person's connection or two is not shown; 1 lists every prefix (for a developer's own machine).
    /// </summary>
    public int MinimumHolders { get; set; } = 3;
}
