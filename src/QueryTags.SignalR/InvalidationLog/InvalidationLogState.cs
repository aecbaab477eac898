namespace QueryTags.SignalR;

/// <summary>What an <see cref="InvalidationLog"/> read for one subscribe, before the cursor rules answer it.</summary>
/// <param name="Current">
/// The position now: the epoch, and the later of the log's clock (microseconds) and the highest sequence it has
/// issued. Every later append gets a greater sequence.
/// </param>
/// <param name="AnswerableFrom">
/// The oldest sequence a cursor may hold and still be answered exactly: the later of the retention horizon (the
/// clock now minus the retention window) and the highest sequence forgotten early (past the log's capacity).
/// </param>
/// <param name="LastInvalidated">Of the prefixes asked, those still remembered, each with the sequence of its last invalidation.</param>
public sealed record InvalidationLogState(
    InvalidationCursor Current,
    long AnswerableFrom,
    IReadOnlyDictionary<string, long> LastInvalidated);
