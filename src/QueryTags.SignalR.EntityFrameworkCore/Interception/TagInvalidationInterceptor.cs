using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Collects the tags of added, modified and deleted entities when SaveChanges starts (old values) and ends (new
/// values), and publishes them as one invalidation once the data is committed. Each commit mode has its own type:
/// inside an EF Core transaction the tags wait for its commit (<see cref="DbTransactionCommits"/>), inside an
/// ambient one for its completion (<see cref="AmbientTransactionCommits"/>); otherwise SaveChanges committed them
/// and they are published as it returns. Nothing is published when SaveChanges fails or the transaction rolls back,
/// and a failed publish is logged and counted, never thrown (<see cref="InvalidationPublisher"/>). A context relayed
/// through the outbox also writes its tags as a row of the outbox table inside the transaction, publishes them under
/// the row's id once committed, and leaves the row to its relay, which deletes it or, if that publish failed,
/// publishes it (<see cref="OutboxCommits"/>).
/// </summary>
/// <remarks>
/// One instance may serve many contexts (a pooled context's options are built once), so what each context has
/// collected is kept per context.
/// </remarks>
internal sealed class TagInvalidationInterceptor : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, ContextInvalidations> _contexts = [];
    private readonly EntityFrameworkCoreMetrics _metrics;
    private readonly ILogger _logger;
    private readonly InvalidationPublisher _publisher;
    private readonly DbTransactionCommits _dbTransactions;
    private readonly AmbientTransactionCommits _ambientTransactions;
    private readonly OutboxCommits? _outbox;

    public TagInvalidationInterceptor(ITagInvalidator invalidator, EntityFrameworkCoreMetrics metrics, ILogger logger, Outboxes? outboxes = null)
    {
        _metrics = metrics;
        _logger = logger;
        _publisher = new InvalidationPublisher(invalidator, metrics, logger);
        _dbTransactions = new DbTransactionCommits(logger);
        _ambientTransactions = new AmbientTransactionCommits(_publisher);
        _outbox = outboxes is null ? null : new OutboxCommits(outboxes, _publisher);
    }

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
        SavedAsync(eventData.Context, async: false).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await SavedAsync(eventData.Context, async: true);
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

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        WriteOutboxAsync(transaction, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await WriteOutboxAsync(transaction, eventData, async: true, cancellationToken);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        CommittedAsync(eventData, async: false).GetAwaiter().GetResult();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        CommittedAsync(eventData, async: true);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        _dbTransactions.RolledBack(State(eventData.Context), eventData);
        OutboxCommits.NotCommitted(State(eventData.Context));
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        _dbTransactions.Failed(State(eventData.Context), eventData);
        if (eventData.Action is "Commit" or "Rollback")
        {
            OutboxCommits.NotCommitted(State(eventData.Context));
        }
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // After a successful save: publish its tags, or, relayed through the outbox, see that they are in it.
    private async Task SavedAsync(DbContext? context, bool async)
    {
        var outbox = context is null ? null : _outbox?.For(context);
        if (outbox is not null && State(context) is { } state)
        {
            OutboxCommits.RestoreAutoTransactions(context!, state);
        }

        if (Saved(context, deferAmbient: outbox is null) is not { } tags)
        {
            return;
        }

        if (outbox is not null)
        {
            await _outbox!.SavedAsync(context!, State(context)!, tags, async);
        }
        else if (async)
        {
            await _publisher.PublishAsync(context!.GetType().Name, tags);
        }
        else
        {
            _publisher.Publish(context!.GetType().Name, tags);
        }
    }

    // Just before a commit, with the outbox: the tags of the transaction's saves (an app's transaction) or of the save
    // it belongs to (EF Core's own) become one row of it.
    private Task WriteOutboxAsync(DbTransaction transaction, TransactionEventData eventData, bool async, CancellationToken cancellationToken)
    {
        if (eventData.Context is not { } context || _outbox?.For(context) is null || State(context) is not { } state)
        {
            return Task.CompletedTask;
        }

        var tags = new DistinctTags();
        if (state.InTransaction is { } kept && state.Transaction == eventData.TransactionId)
        {
            tags.AddRange(kept.Tags);
        }

        // Inside SaveChanges the commands ran, so added entities have their store-generated keys. The save's own
        // state is kept as it is: an execution strategy may commit it again after a failed commit.
        if (state.Saving is { } saving)
        {
            tags.AddRange(saving.Tags);
            foreach (var (entry, entityTags) in state.Added ?? [])
            {
                AddTags(() => entityTags.AddCommitting(entry, tags), entry, EntityState.Added);
            }
        }

        return tags.Count == 0 ? Task.CompletedTask : _outbox.CommittingAsync(context, transaction, state, tags, async, cancellationToken);
    }

    private async Task CommittedAsync(TransactionEndEventData eventData, bool async)
    {
        var state = State(eventData.Context);
        var tags = _dbTransactions.Committed(state, eventData);
        if (eventData.Context is { } context && _outbox?.For(context) is not null)
        {
            await _outbox.CommittedAsync(context, state, async);
        }
        else if (tags is not null && async)
        {
            await _publisher.PublishAsync(eventData.Context!.GetType().Name, tags);
        }
        else if (tags is not null)
        {
            _publisher.Publish(eventData.Context!.GetType().Name, tags);
        }
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
        if (_outbox?.For(context) is not null)
        {
            OutboxCommits.Saving(context, state);
        }
    }

    // After a successful save: the tags to publish now, or null when there are none or they wait for a commit.
    private DistinctTags? Saved(DbContext? context, bool deferAmbient)
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

        // The commit modes, each alone: inside an EF Core transaction, inside an ambient one, or committed already.
        if (_dbTransactions.Defer(context, state, tags) || (deferAmbient && _ambientTransactions.Defer(context, state, tags)))
        {
            return null;
        }

        return tags;
    }

    private ContextInvalidations? State(DbContext? context) =>
        context is not null && _contexts.TryGetValue(context, out var state) ? state : null;

    private void Forget(DbContext? context)
    {
        if (State(context) is { } state)
        {
            state.Saving = null;
            state.Added = null;
            OutboxCommits.RestoreAutoTransactions(context!, state);
            OutboxCommits.NotCommitted(state);
        }
    }

    private void AddTags(EntityTags entityTags, EntityEntry entry, EntityState change, bool original, DistinctTags tags) =>
        AddTags(() => entityTags.Add(entry, original, tags), entry, change);

    // A tag function that throws is logged and counted; the save and the other entities' tags go on.
    private void AddTags(Action add, EntityEntry entry, EntityState change)
    {
        try
        {
            add();
        }
        catch (Exception exception)
        {
            _metrics.TagsFailed(exception);
            InterceptionLog.TagsFailed(_logger, change.ToString().ToLowerInvariant(), entry.Metadata.DisplayName(), exception);
        }
    }
}
