namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>
/// One case every <see cref="InvalidationLog"/> must answer alike: after <see cref="Invalidations"/>, a subscriber
/// holding <see cref="Held"/> from before them missed exactly <see cref="Missed"/> (an invalidation reaches every
/// tag it is a prefix of, and a segment's type counts: <c>1</c> is not <c>"1"</c>).
/// </summary>
internal static class PrefixMatchingCase
{
    public static readonly IReadOnlyList<IReadOnlyList<Tag>> Invalidations = [[["todo"], ["user", 1]], [["org", "acme", "members"]]];

    public static readonly IReadOnlyList<Tag> Held =
        [["todo", 5], ["todo", 5, "comments"], ["todo"], ["todos"], ["user", 1], ["user"], ["user", 1, "avatar"], ["user", "1"], ["org", "acme"], ["org", "acme", "members", 3]];

    public static readonly IReadOnlyList<Tag> Missed =
        [new Tag("todo", 5), new Tag("todo", 5, "comments"), new Tag("todo"), new Tag("user", 1), new Tag("user", 1, "avatar"), new Tag("org", "acme", "members", 3)];

    /// <summary>Appends the case's invalidations to <paramref name="log"/>.</summary>
    public static async Task AppendToAsync(InvalidationLog log)
    {
        foreach (var tags in Invalidations)
        {
            await log.AppendAsync(tags, default);
        }
    }
}
