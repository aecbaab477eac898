using System.Diagnostics;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>
/// One read of the slot: the rows of each committed transaction become its tags, published as one invalidation under
/// an id made of the commit's position, and only then is the slot's position confirmed. A transaction read twice (after
/// a crash or a takeover) is published under the same id, so clients apply it once. pgoutput sends only committed
/// transactions, in commit order: a rolled-back one never appears.
/// </summary>
internal sealed class ChangeStream(
    PostgresChangeCaptureOptions options,
    IReadOnlyDictionary<TableName, Func<CapturedRow, IEnumerable<Tag>>> tables,
    string systemId,
    ITagInvalidator invalidator,
    ChangeCaptureMetrics metrics,
    TimeProvider time,
    ILogger logger,
    Func<string, CancellationToken, Task> changesLost)
{
    public async Task ReadAsync(Action reading, CancellationToken cancellationToken)
    {
        await using var replication = new LogicalReplicationConnection(options.ConnectionString);
        await replication.Open(cancellationToken);
        var slot = new PgOutputReplicationSlot(options.SlotName);
        var pgOutput = new PgOutputReplicationOptions(options.PublicationName, PgOutputProtocolVersion.V1, binary: true);
        TransactionTags? transaction = null;
        var first = true;
        await foreach (var message in replication.StartReplication(slot, pgOutput, cancellationToken))
        {
            if (first)
            {
                reading();
                first = false;
            }

            switch (message)
            {
                case BeginMessage:
                    transaction = new TransactionTags(options.MaxTagsPerInvalidation);
                    break;
                case InsertMessage insert:
                    await AddAsync(transaction!, insert.Relation, old: null, insert.NewRow, cancellationToken);
                    break;
                case FullUpdateMessage update:
                    var before = await ReadRowAsync(update.OldRow, previous: null, cancellationToken);
                    await AddAsync(transaction!, update.Relation, before, update.NewRow, cancellationToken);
                    break;
                case IndexUpdateMessage update:
                    var key = await ReadRowAsync(update.Key, previous: null, cancellationToken);
                    await AddAsync(transaction!, update.Relation, key, update.NewRow, cancellationToken);
                    break;
                case UpdateMessage update:
                    await AddAsync(transaction!, update.Relation, old: null, update.NewRow, cancellationToken);
                    break;
                case FullDeleteMessage delete:
                    AddTags(transaction!, delete.Relation, await ReadRowAsync(delete.OldRow, previous: null, cancellationToken));
                    break;
                case KeyDeleteMessage delete:
                    AddTags(transaction!, delete.Relation, await ReadRowAsync(delete.Key, previous: null, cancellationToken));
                    break;
                case TruncateMessage:
                    transaction!.Truncated = true;
                    break;
                case CommitMessage commit:
                    await PublishAsync(transaction!, commit, cancellationToken);
                    metrics.Lag((ulong)commit.WalEnd > (ulong)commit.TransactionEndLsn ? (ulong)commit.WalEnd - (ulong)commit.TransactionEndLsn : 0);
                    replication.SetReplicationStatus(commit.TransactionEndLsn);
                    await replication.SendStatusUpdate(cancellationToken);
                    transaction = null;
                    break;
            }
        }
    }

    private async Task AddAsync(TransactionTags transaction, RelationMessage relation, Dictionary<string, object?>? old, ReplicationTuple newRow, CancellationToken cancellationToken)
    {
        var row = await ReadRowAsync(newRow, old, cancellationToken);
        if (old is not null)
        {
            AddTags(transaction, relation, old);
        }

        AddTags(transaction, relation, row);
    }

    private void AddTags(TransactionTags transaction, RelationMessage relation, Dictionary<string, object?> values)
    {
        transaction.Rows++;
        var table = new TableName(relation.Namespace, relation.RelationName);
        if (!tables.TryGetValue(table, out var tagsOf))
        {
            return;
        }

        try
        {
            foreach (var tag in tagsOf(new CapturedRow(table.Schema, table.Name, values)))
            {
                transaction.Add(tag);
            }
        }
        catch (Exception exception)
        {
            metrics.TagsFailed(exception);
            ChangeCaptureLog.TagsFailed(logger, table.ToString(), exception);
        }
    }

    // A value TOASTed and unchanged by an update is not sent again: it is the old row's.
    private static async Task<Dictionary<string, object?>> ReadRowAsync(ReplicationTuple tuple, Dictionary<string, object?>? previous, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        await foreach (var value in tuple.WithCancellation(cancellationToken))
        {
            var column = value.GetFieldName();
            values[column] = value.Kind switch
            {
                TupleDataKind.Null => null,
                TupleDataKind.UnchangedToastedValue => previous?.GetValueOrDefault(column),
                _ => await value.Get(cancellationToken),
            };
        }

        return values;
    }

    private async Task PublishAsync(TransactionTags transaction, CommitMessage commit, CancellationToken cancellationToken)
    {
        var position = Position(commit.CommitLsn);
        if (transaction.Truncated)
        {
            await changesLost("capture-truncate", cancellationToken);
        }

        if (transaction.Count == 0)
        {
            return;
        }

        if (transaction.Collapsed)
        {
            ChangeCaptureLog.TagsCollapsed(logger, position, transaction.Rows, options.MaxTagsPerInvalidation, transaction.Count);
        }

        // Derived from the commit: the same transaction read again, by this node or another, gets the same id.
        var id = $"pg:{systemId}:{options.SlotName}:{position}";
        while (true)
        {
            using var activity = ChangeCaptureMetrics.Activities.StartActivity("querytags.capture.publish", ActivityKind.Producer);
            activity?.SetTag("querytags.capture.lsn", commit.CommitLsn.ToString());
            activity?.SetTag("querytags.capture.rows", transaction.Rows);
            activity?.SetTag("querytags.tags", transaction.Count);
            try
            {
                await invalidator.InvalidateTagsOnceAsync(id, transaction.Tags, $"postgresql {commit.CommitLsn}", cancellationToken);
                metrics.Published(time.GetUtcNow() - commit.TransactionCommitTimestamp);
                ChangeCaptureLog.Published(logger, position, transaction.Rows, transaction.Count, id);
                return;
            }
            catch (ArgumentException exception)
            {
                // A tag that breaks a rule never will be published: clients are told they missed something.
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                ChangeCaptureLog.TagsRefused(logger, position, exception);
                await changesLost("capture-tags-refused", cancellationToken);
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                ChangeCaptureLog.PublishFailed(logger, commit.CommitLsn.ToString(), options.RetryInterval, exception);
                await Task.Delay(options.RetryInterval, time, cancellationToken);
            }
        }
    }

    private static string Position(NpgsqlLogSequenceNumber lsn) => ((ulong)lsn).ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
}
