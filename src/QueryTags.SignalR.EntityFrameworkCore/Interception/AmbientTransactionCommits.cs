using System.Transactions;
using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// The commit mode of a save enlisted in an ambient transaction (<c>TransactionScope</c>), which EF Core does not
/// commit: its tags wait, with those of the transaction's other saves, for the transaction's completion, and are
/// published only when it committed.
/// </summary>
internal sealed class AmbientTransactionCommits(InvalidationPublisher publisher)
{
    /// <summary>Keeps <paramref name="tags"/> for the commit of the ambient transaction the context is enlisted in; false when it is in none.</summary>
    public bool Defer(DbContext context, ContextInvalidations state, DistinctTags tags)
    {
        if (context.Database.GetEnlistedTransaction() is not { } ambient)
        {
            return false;
        }

        if (state.InAmbientTransaction is { } collected && ReferenceEquals(state.AmbientTransaction, ambient))
        {
            collected.AddRange(tags.Tags);
            return true;
        }

        state.AmbientTransaction = ambient;
        state.InAmbientTransaction = tags;
        var contextName = context.GetType().Name;
        ambient.TransactionCompleted += (_, completed) =>
        {
            if (ReferenceEquals(state.InAmbientTransaction, tags))
            {
                state.InAmbientTransaction = null;
                state.AmbientTransaction = null;
            }

            if (completed.Transaction?.TransactionInformation.Status == TransactionStatus.Committed)
            {
                _ = publisher.PublishAsync(contextName, tags);
            }
        };
        return true;
    }
}
