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
}
