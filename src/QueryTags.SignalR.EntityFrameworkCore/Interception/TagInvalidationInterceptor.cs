using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Collects the tags of added, modified and deleted entities when SaveChanges starts (old values) and ends (new
/// values), and publishes them as one invalidation once the data is committed: when SaveChanges returns, or when
/// the transaction it ran in commits. Nothing is published when SaveChanges fails or the transaction rolls back, and
/// a failed publish is logged and counted, never thrown.
/// </summary>
/// <remarks>
/// One instance may serve many contexts (a pooled context's options are built once), so what each context has
/// collected is kept per context.
/// </remarks>
internal sealed class TagInvalidationInterceptor(ITagInvalidator invalidator, EntityFrameworkCoreMetrics metrics, ILogger logger)
    : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private const int TagsInLog = 20;

    private readonly ConditionalWeakTable<DbContext, ContextInvalidations> _contexts = [];

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Saved(eventData.Context) is { } tags)
        {
            Publish(eventData.Context!, tags);
        }

        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Saved(eventData.Context) is { } tags)
        {
            await PublishAsync(eventData.Context!, tags);
        }

        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Forget(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (Committed(eventData) is { } tags)
        {
            Publish(eventData.Context!, tags);
        }
    }

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Committed(eventData) is { } tags)
        {
            await PublishAsync(eventData.Context!, tags);
        }
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Failed(eventData);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData);
        return Task.CompletedTask;
    }

    // Before the save: the tags of modified and deleted rows from their current and original values (the original
    // ones are gone after it); added entities wait for the end of the save, when store-generated keys are known.
    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var tags = new DistinctTags();
        List<(EntityEntry, EntityTags)>? added = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var entityTags = EntityTags.For(entry.Metadata);
            if (entityTags == EntityTags.None)
            {
                continue;
            }

            if (entry.State == EntityState.Added)
            {
                (added ??= []).Add((entry, entityTags));
                continue;
            }

            AddTags(entityTags, entry, entry.State, original: false, tags);
            AddTags(entityTags, entry, entry.State, original: true, tags);
        }

        var state = _contexts.GetOrCreateValue(context);
        state.Saving = tags;
        state.Added = added;
    }

    // After a successful save: the tags to publish now, or null when there are none or they wait for a commit.
    private DistinctTags? Saved(DbContext? context)
    {
        if (context is null || !_contexts.TryGetValue(context, out var state) || state.Saving is not { } tags)
        {
            return null;
        }

        foreach (var (entry, entityTags) in state.Added ?? [])
        {
            AddTags(entityTags, entry, EntityState.Added, original: false, tags);
        }

        state.Saving = null;
        state.Added = null;
        if (tags.Count == 0)
        {
            return null;
        }

        if (context.Database.CurrentTransaction is { } transaction)
        {
            if (state.InTransaction is null || state.Transaction != transaction.TransactionId)
            {
                DropTransaction(context, state);
                state.Transaction = transaction.TransactionId;
                state.InTransaction = tags;
            }
            else
            {
                state.InTransaction.AddRange(tags.Tags);
            }

            return null;
        }

        // No EF Core transaction is open, so any collected for one ended without a commit EF Core saw.
        DropTransaction(context, state);
        if (context.Database.GetEnlistedTransaction() is { } ambient)
        {
            WaitForAmbientCommit(context, state, ambient, tags);
            return null;
        }

        return tags;
    }

    private void WaitForAmbientCommit(DbContext context, ContextInvalidations state, Transaction ambient, DistinctTags tags)
    {
        if (state.InAmbientTransaction is { } collected && ReferenceEquals(state.AmbientTransaction, ambient))
        {
            collected.AddRange(tags.Tags);
            return;
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
                _ = PublishAsync(contextName, tags);
            }
        };
    }

    private DistinctTags? Committed(TransactionEndEventData eventData)
    {
        if (Waiting(eventData.Context, eventData.TransactionId) is not { } state)
        {
            return null;
        }

        var tags = state.InTransaction;
        state.InTransaction = null;
        return tags;
    }

    private void Ended(TransactionEventData eventData)
    {
        if (Waiting(eventData.Context, eventData.TransactionId) is { } state)
        {
            state.InTransaction = null;
        }
    }

    // A commit that failed committed nothing; a failed rollback leaves a transaction that is never committed.
    private void Failed(TransactionErrorEventData eventData)
    {
        if (eventData.Action is "Commit" or "Rollback")
        {
            Ended(eventData);
        }
    }

    private ContextInvalidations? Waiting(DbContext? context, Guid transactionId) =>
        context is not null && _contexts.TryGetValue(context, out var state) && state.InTransaction is not null && state.Transaction == transactionId
            ? state
            : null;

    private void DropTransaction(DbContext context, ContextInvalidations state)
    {
        if (state.InTransaction is { } dropped)
        {
            state.InTransaction = null;
            InterceptionLog.TransactionTagsDropped(logger, context.GetType().Name, dropped.Count);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null && _contexts.TryGetValue(context, out var state))
        {
            state.Saving = null;
            state.Added = null;
        }
    }

    private void AddTags(EntityTags entityTags, EntityEntry entry, EntityState change, bool original, DistinctTags tags)
    {
        try
        {
            entityTags.Add(entry, original, tags);
        }
        catch (Exception exception)
        {
            metrics.TagsFailed(exception);
            InterceptionLog.TagsFailed(logger, change.ToString().ToLowerInvariant(), entry.Metadata.DisplayName(), exception);
        }
    }

    private Task PublishAsync(DbContext context, DistinctTags tags) => PublishAsync(context.GetType().Name, tags);

    // A synchronous save waits for its publish, as an asynchronous one does. The publish runs on the thread pool so
    // that an invalidator resuming on the caller's synchronization context cannot deadlock; it never throws.
    private void Publish(DbContext context, DistinctTags tags)
    {
        var name = context.GetType().Name;
        Task.Run(() => PublishAsync(name, tags)).GetAwaiter().GetResult();
    }

    // The data is committed: the publish must not fail the caller, and is not cancelled with the caller's request.
    private async Task PublishAsync(string context, DistinctTags tags)
    {
        try
        {
            var message = await invalidator.InvalidateTagsAsync(tags.Tags, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            InterceptionLog.Published(logger, context, tags.Count, message.Id);
        }
        catch (Exception exception)
        {
            metrics.PublishFailed(exception);
            var shown = string.Join(", ", tags.Tags.Take(TagsInLog)) + (tags.Count > TagsInLog ? $", … ({tags.Count - TagsInLog} more)" : string.Empty);
            InterceptionLog.PublishFailed(logger, context, tags.Count, shown, exception);
        }
    }
}
