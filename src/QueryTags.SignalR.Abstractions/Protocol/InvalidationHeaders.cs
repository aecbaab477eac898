namespace QueryTags.SignalR;

/// <summary>
/// The response headers of an endpoint that invalidated tags after it succeeded: the invalidation's id and cursor,
/// so the caller can tell the push that will follow from one caused by someone else's change; and of an answer
/// cached by query tags, the cursor its data was read at.
/// </summary>
public static class InvalidationHeaders
{
    /// <summary>The <see cref="InvalidationMessage.Id"/> of the invalidation the endpoint published.</summary>
    public const string Id = "QueryTags-Invalidation-Id";

    /// <summary>The <see cref="InvalidationMessage.Cursor"/> of that invalidation, as <c>epoch:sequence</c>.</summary>
    public const string Cursor = "QueryTags-Invalidation-Cursor";

    /// <summary>
    /// On an answer output-cached by query tags (<c>InvalidatedByTags</c>), as <c>epoch:sequence</c>: the log's position
    /// when the answer's data was read, so it reflects every invalidation up to there. A cached answer carries the
    /// cursor of the request that read it.
    /// </summary>
    public const string DataCursor = "QueryTags-Cursor";
}
