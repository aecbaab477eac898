namespace QueryTags.SignalR;

/// <summary>What an <see cref="InvalidationLog"/> read for one subscribe, before the cursor rules answer it.</summary>
/// <param name="Current">The position now: the epoch and the sequence of the latest invalidation (0 before any).</param>
/// <param name="ForgottenThrough">The highest sequence forgotten (past the retention window or the capacity); 0 when none was.</param>
/// <param name="AgeStart">
/// For an age: the sequence of the newest kept invalidation at least that old, where the answer starts; null when
/// no kept invalidation is that old (or no age was asked).
/// </param>
/// <param name="LastInvalidated">Of the prefixes asked, those still remembered, each with the sequence of its last invalidation.</param>
public sealed record InvalidationLogState(
    InvalidationCursor Current,
    long ForgottenThrough,
    long? AgeStart,
    IReadOnlyDictionary<string, long> LastInvalidated);
