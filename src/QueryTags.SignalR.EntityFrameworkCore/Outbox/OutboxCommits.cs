using System.Data.Common;
using System.Transactions;
using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// The commit mode of a context relayed through the outbox: the tags of a transaction are written to the outbox table
/// inside that transaction, just before it commits, so they commit or roll back with the data. Once it committed,
/// they are published at once under the row's id, as without the outbox (the caches are evicted and the response
/// names it before the caller goes on), and the relay deletes the row; when that publish fails or the process dies
/// first, the relay publishes the row under the same id. A save outside any transaction of the app's runs in one of
/// EF Core's own (<see cref="AutoTransactionBehavior.Always"/> while it lasts), whose commit writes the row the same
/// way; a save enlisted in an ambient transaction writes its row as it returns, on the enlisted connection.
/// </summary>
internal sealed class OutboxCommits(Outboxes outboxes, InvalidationPublisher publisher)
{
    /// <summary>The wakeup of the context's relay, or null when its saves publish directly.</summary>
    /// <exception cref="InvalidOperationException">The context is relayed, but its model has no outbox table.</exception>
    public OutboxWakeup? For(DbContext context)
    {
        if (outboxes.Find(context.GetType()) is not { } wakeup)
        {
            return null;
        }

        return OutboxTable.Find(context) is null ? throw Outboxes.NoTable(context.GetType()) : wakeup;
    }

    /// <summary>Before a save with tags outside any transaction: EF Core gives it a transaction of its own, whose commit writes the row.</summary>
    public static void Saving(DbContext context, ContextInvalidations state)
    {
        var database = context.Database;
        if ((state.Saving is { Count: > 0 } || state.Added is not null) && database.CurrentTransaction is null
            && database.GetEnlistedTransaction() is null && Transaction.Current is null && database.AutoTransactionBehavior != AutoTransactionBehavior.Always)
        {
            state.RestoreAutoTransactions = database.AutoTransactionBehavior;
            database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    /// <summary>After a save (or a failed one): the context's own setting again.</summary>
    public static void RestoreAutoTransactions(DbContext context, ContextInvalidations state)
    {
        if (state.RestoreAutoTransactions is { } behavior)
        {
            state.RestoreAutoTransactions = null;
            context.Database.AutoTransactionBehavior = behavior;
        }
    }

    /// <summary>Inside a commit: writes <paramref name="tags"/> as one row of the committing transaction.</summary>
    public async Task CommittingAsync(DbContext context, DbTransaction transaction, ContextInvalidations state, DistinctTags tags, bool async, CancellationToken cancellationToken)
    {
        var id = await WriteAsync(context, transaction.Connection!, transaction, tags, async, cancellationToken).ConfigureAwait(false);
        state.OutboxId = id;
        state.OutboxTags = tags;
        state.OutboxWrittenBySave = state.Saving is not null;
    }

    /// <summary>The transaction that wrote a row committed: its tags are published now.</summary>
    public Task CommittedAsync(DbContext context, ContextInvalidations? state, bool async)
    {
        if (state is not { OutboxId: { } id, OutboxTags: { } tags })
        {
            return Task.CompletedTask;
        }

        state.OutboxId = null;
        state.OutboxTags = null;
        return PublishAsync(context.GetType(), id, tags, async);
    }

    /// <summary>The transaction rolled back or failed to commit: its row is gone with it.</summary>
    public static void NotCommitted(ContextInvalidations? state)
    {
        if (state is not null)
        {
            state.OutboxId = null;
            state.OutboxTags = null;
            state.OutboxWrittenBySave = false;
        }
    }

    /// <summary>
    /// A save returned with <paramref name="tags"/> that no open EF Core transaction keeps: the commit of EF Core's own
    /// transaction wrote them already; in an ambient transaction they are written now, and the relay woken when it
    /// commits; with no transaction at all (a provider that has none), they are written now, after the data.
    /// </summary>
    public async Task SavedAsync(DbContext context, ContextInvalidations state, DistinctTags tags, bool async)
    {
        if (state.OutboxWrittenBySave)
        {
            state.OutboxWrittenBySave = false;
            return;
        }

        var database = context.Database;
        var ambient = database.GetEnlistedTransaction() ?? Transaction.Current;
        if (async)
        {
            await database.OpenConnectionAsync().ConfigureAwait(false);
        }
        else
        {
            database.OpenConnection();
        }

        string id;
        try
        {
            id = await WriteAsync(context, database.GetDbConnection(), transaction: null, tags, async, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            if (async)
            {
                await database.CloseConnectionAsync().ConfigureAwait(false);
            }
            else
            {
                database.CloseConnection();
            }
        }

        var contextType = context.GetType();
        if (ambient is null)
        {
            await PublishAsync(contextType, id, tags, async).ConfigureAwait(false);
            return;
        }

        ambient.TransactionCompleted += (_, completed) =>
        {
            if (completed.Transaction?.TransactionInformation.Status == TransactionStatus.Committed)
            {
                _ = PublishAsync(contextType, id, tags, async: true);
            }
        };
    }

    private async Task<string> WriteAsync(DbContext context, DbConnection connection, DbTransaction? transaction, DistinctTags tags, bool async, CancellationToken cancellationToken)
    {
        // Unique forever (row keys may be reused once rows are deleted), and within the id rule of InvalidateTagsOnceAsync.
        var id = "outbox-" + Guid.NewGuid().ToString("N");
        var table = OutboxTable.Find(context) ?? throw Outboxes.NoTable(context.GetType());
        await table.WriteAsync(connection, transaction, id, OutboxTagsText.Format(tags.Tags), outboxes.Time.GetUtcNow(), async, cancellationToken).ConfigureAwait(false);
        return id;
    }

    // Published, the relay deletes the row; not, the relay publishes it (with the rows of any node that died).
    private async Task PublishAsync(Type contextType, string id, DistinctTags tags, bool async)
    {
        var wakeup = outboxes.Find(contextType);
        if (await publisher.PublishOnceAsync(contextType.Name, id, tags, async).ConfigureAwait(false))
        {
            wakeup?.Published(id);
        }
        else
        {
            wakeup?.PublishWaiting();
        }
    }
}
