namespace QueryTags.SignalR;

/// <summary>An invalidation the log holds whose sends were never confirmed, to be sent again (<see cref="IInvalidationSendTracking.ClaimUnsentAsync"/>).</summary>
/// <param name="Cursor">Its position in the log, which also names it: a send again carries the same id and cursor.</param>
/// <param name="Tags">Its distinct tags.</param>
public sealed record UnsentInvalidation(InvalidationCursor Cursor, IReadOnlyList<Tag> Tags);
