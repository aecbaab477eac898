using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>What one <c>DbContext</c> has collected and not yet published. A context is used by one thread at a time.</summary>
internal sealed class ContextInvalidations
{
    /// <summary>The SaveChanges in progress: the tags of changed and deleted rows, computed before it.</summary>
    public DistinctTags? Saving { get; set; }

    /// <summary>The SaveChanges in progress: added entities, whose tags are read after it (store-generated keys).</summary>
    public List<(EntityEntry Entry, EntityTags Tags)>? Added { get; set; }

    /// <summary>The EF Core transaction whose commit <see cref="InTransaction"/> waits for.</summary>
    public Guid Transaction { get; set; }

    /// <summary>Tags of every save inside <see cref="Transaction"/> so far.</summary>
    public DistinctTags? InTransaction { get; set; }

    /// <summary>The ambient transaction whose completion <see cref="InAmbientTransaction"/> waits for.</summary>
    public System.Transactions.Transaction? AmbientTransaction { get; set; }

    /// <summary>Tags of every save inside <see cref="AmbientTransaction"/> so far.</summary>
    public DistinctTags? InAmbientTransaction { get; set; }

    /// <summary>With the outbox: the id of the row the committing transaction wrote, until it committed or failed.</summary>
    public string? OutboxId { get; set; }

    /// <summary>With the outbox: the tags of that row, published under its id once the transaction committed.</summary>
    public DistinctTags? OutboxTags { get; set; }

    /// <summary>With the outbox: the SaveChanges in progress had its row written by the commit of its own transaction.</summary>
    public bool OutboxWrittenBySave { get; set; }

    /// <summary>With the outbox: the context's AutoTransactionBehavior, to put back when the save that changed it ends.</summary>
    public Microsoft.EntityFrameworkCore.AutoTransactionBehavior? RestoreAutoTransactions { get; set; }
}
