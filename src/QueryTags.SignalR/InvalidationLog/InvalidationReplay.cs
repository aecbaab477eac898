namespace QueryTags.SignalR;

/// <summary>What a log answers a subscribe: the position now, and either the missed tags or a reset.</summary>
/// <param name="Current">The log's position now.</param>
/// <param name="Reset">True when the log cannot tell what was missed: the subscriber refetches everything it holds.</param>
/// <param name="Missed">The held tags invalidated after the cursor (or within the age); empty with a reset.</param>
public sealed record InvalidationReplay(InvalidationCursor Current, bool Reset, IReadOnlyList<Tag> Missed);
