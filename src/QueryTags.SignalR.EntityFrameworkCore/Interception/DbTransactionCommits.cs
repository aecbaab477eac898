using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// The commit mode of a save inside an EF Core transaction (<c>Database.BeginTransaction</c>): its tags wait, with
/// those of the transaction's other saves, until EF Core reports the commit; a rollback or a failed commit drops them.
/// </summary>
internal sealed class DbTransactionCommits(ILogger logger)
{
    /// <summary>Keeps <paramref name="tags"/> for the commit of the context's open transaction; false when none is open.</summary>
    public bool Defer(DbContext context, ContextInvalidations state, DistinctTags tags)
    {
        if (context.Database.CurrentTransaction is not { } transaction)
        {
            // None is open, so any kept for one ended without a commit EF Core saw.
            Drop(context, state);
            return false;
        }

        if (state.InTransaction is null || state.Transaction != transaction.TransactionId)
        {
            Drop(context, state);
            state.Transaction = transaction.TransactionId;
            state.InTransaction = tags;
        }
        else
        {
            state.InTransaction.AddRange(tags.Tags);
        }

        return true;
    }

    /// <summary>The tags to publish now that <paramref name="eventData"/>'s transaction committed, or null.</summary>
    public DistinctTags? Committed(ContextInvalidations? state, TransactionEndEventData eventData)
    {
        if (Waiting(state, eventData.TransactionId) is not { } waiting)
        {
            return null;
        }

        var tags = waiting.InTransaction;
        waiting.InTransaction = null;
        return tags;
    }

    /// <summary>The transaction rolled back: what it kept is never published.</summary>
    public void RolledBack(ContextInvalidations? state, TransactionEventData eventData)
    {
        if (Waiting(state, eventData.TransactionId) is { } waiting)
        {
            waiting.InTransaction = null;
        }
    }

    /// <summary>A commit that failed committed nothing; a failed rollback leaves a transaction that is never committed.</summary>
    public void Failed(ContextInvalidations? state, TransactionErrorEventData eventData)
    {
        if (eventData.Action is "Commit" or "Rollback")
        {
            RolledBack(state, eventData);
        }
    }

    private static ContextInvalidations? Waiting(ContextInvalidations? state, Guid transactionId) =>
        state is { InTransaction: not null } && state.Transaction == transactionId ? state : null;

    private void Drop(DbContext context, ContextInvalidations state)
    {
        if (state.InTransaction is { } dropped)
        {
            state.InTransaction = null;
            InterceptionLog.TransactionTagsDropped(logger, context.GetType().Name, dropped.Count);
        }
    }
}
