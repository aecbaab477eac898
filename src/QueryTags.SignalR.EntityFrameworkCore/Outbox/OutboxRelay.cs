using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Deletes the outbox rows of <typeparamref name="TContext"/> that this node's commits published, and publishes the
/// rest: at start, when a publish after a commit failed, and every <see cref="TagInvalidationOutboxOptions.PollInterval"/>
/// (the rows of a node that died before publishing). A pass reads the waiting rows oldest first, in batches,
/// publishes each under its own invalidation id, and then deletes the published ones. While publishing or the
/// database fails, it tries again after a doubling delay.
/// </summary>
/// <remarks>
/// A row is deleted only after it was published, so a crash in between publishes it again at the next pass of any
/// node, under the same id, which clients apply once; so may two nodes' relays that read the same row, or a pass
/// that reads a row whose commit is publishing it at that moment. Rows are not claimed: a claim would cost a write
/// per row to save a send that is harmless.
/// </remarks>
internal sealed class OutboxRelay<TContext> : BackgroundService
    where TContext : DbContext
{
    private const int ErrorLength = 1_000;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly string ContextName = typeof(TContext).Name;

    private readonly IServiceScopeFactory _scopes;
    private readonly OutboxWakeup _wakeup;
    private readonly TimeProvider _time;
    private readonly ITagInvalidator _invalidator;
    private readonly TagInvalidationOutboxOptions _options;
    private readonly ILogger _logger;

    public OutboxRelay(IServiceScopeFactory scopes, Outboxes outboxes, ITagInvalidator invalidator, IOptionsMonitor<TagInvalidationOutboxOptions> options, ILoggerFactory loggerFactory)
    {
        _scopes = scopes;
        _wakeup = outboxes.Find(typeof(TContext)) ?? throw new InvalidOperationException($"The outbox relay of {ContextName} is not registered: call AddEntityFrameworkCoreOutbox<{ContextName}>().");
        _time = outboxes.Time;
        _invalidator = invalidator;
        _options = options.Get(OptionsName);
        _logger = loggerFactory.CreateLogger(Microsoft.EntityFrameworkCore.TagInvalidationDbContextOptionsBuilderExtensions.LogCategory);
    }

    /// <summary>The name of the context type's <see cref="TagInvalidationOutboxOptions"/>.</summary>
    public static string OptionsName => typeof(TContext).FullName!;

    /// <summary>Stops the host at start when the context's model has no outbox table, instead of failing every save.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<TContext>();
            if (OutboxTable.Find(context) is null)
            {
                throw Outboxes.NoTable(typeof(TContext));
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var publishWaiting = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeletePublishedAsync();
                if (publishWaiting | _wakeup.TakePublishWaiting())
                {
                    await PublishWaitingAsync(stoppingToken);
                }

                if (failures > 0)
                {
                    OutboxRelayLog.Recovered(_logger, ContextName, failures);
                    failures = 0;
                }

                publishWaiting = await _wakeup.WaitAsync(_options.PollInterval, _time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                publishWaiting = true;
                var delay = RetryDelay(failures);
                OutboxRelayLog.RelayFailed(_logger, ContextName, failures, delay, exception);
                try
                {
                    await Task.Delay(delay, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private TimeSpan RetryDelay(int failures)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
    }

    // The rows this node published after their commits, in batches.
    private async Task DeletePublishedAsync()
    {
        for (var ids = _wakeup.TakePublished(_options.BatchSize); ids.Count > 0; ids = _wakeup.TakePublished(_options.BatchSize))
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var rows = scope.ServiceProvider.GetRequiredService<TContext>().Set<OutboxInvalidation>();
                await rows.Where(row => ids.Contains(row.InvalidationId)).ExecuteDeleteAsync(CancellationToken.None);
            }
            catch
            {
                _wakeup.ReturnPublished(ids);
                throw;
            }
        }
    }

    // Until a batch comes back short: read the oldest waiting rows, publish each, delete those published.
    private async Task PublishWaitingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = _scopes.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<TContext>();
            var rows = context.Set<OutboxInvalidation>();
            var batch = await rows.AsNoTracking().Where(row => row.Error == null).OrderBy(row => row.Id).Take(_options.BatchSize).ToListAsync(cancellationToken);
            List<long> published = [];
            try
            {
                foreach (var row in batch)
                {
                    if (await PublishAsync(rows, row, cancellationToken))
                    {
                        published.Add(row.Id);
                    }
                }
            }
            finally
            {
                // What was published goes, even when a later row failed: it would be sent again otherwise.
                if (published.Count > 0)
                {
                    await rows.Where(row => published.Contains(row.Id)).ExecuteDeleteAsync(CancellationToken.None);
                }
            }

            if (batch.Count < _options.BatchSize)
            {
                return;
            }
        }
    }

    // True once published; false when set aside. A failure that may pass (the log, the network) is thrown.
    private async Task<bool> PublishAsync(DbSet<OutboxInvalidation> rows, OutboxInvalidation row, CancellationToken cancellationToken)
    {
        try
        {
            var tags = OutboxTagsText.Parse(row.Tags);
            await _invalidator.InvalidateTagsOnceAsync(row.InvalidationId, tags, cancellationToken: cancellationToken);
            OutboxRelayLog.Published(_logger, ContextName, row.Id, row.InvalidationId, tags.Count);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            // The row can never be published as it is (its tags do not parse, break a rule, or its id is not one):
            // retrying would stop every row behind it, and deleting it would hide the loss.
            var reason = exception.Message.Length > ErrorLength ? exception.Message[..ErrorLength] : exception.Message;
            OutboxRelayLog.RowSetAside(_logger, ContextName, row.Id, row.InvalidationId, reason, row.Tags.Length > ErrorLength ? row.Tags[..ErrorLength] + "…" : row.Tags);
            await rows.Where(waiting => waiting.Id == row.Id).ExecuteUpdateAsync(setters => setters.SetProperty(waiting => waiting.Error, reason), CancellationToken.None);
            return false;
        }
    }
}
