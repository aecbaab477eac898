namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// A row of the outbox table: the invalidation of one committed transaction, written inside it, waiting for the relay
/// to publish it. The relay deletes it once published, or sets it aside with <see cref="Error"/> when it cannot be.
/// </summary>
internal sealed class OutboxInvalidation
{
    /// <summary>Store-generated, increasing: the relay publishes rows in this order.</summary>
    public long Id { get; set; }

    /// <summary>The id the invalidation is published under, every time it is: clients apply it once.</summary>
    public string InvalidationId { get; set; } = "";

    /// <summary>The tags as a JSON array of tags, such as <c>[["todos"],["todo",5]]</c>.</summary>
    public string Tags { get; set; } = "";

    /// <summary>When the transaction wrote the row (the writer's clock).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Why the relay set the row aside instead of publishing it; null while it waits.</summary>
    public string? Error { get; set; }
}
