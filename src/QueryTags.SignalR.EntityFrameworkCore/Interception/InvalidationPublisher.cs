namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Publishes the tags of committed data as one invalidation, whichever commit mode made them committed. The data is
/// committed already, so a failed publish is logged and counted, never thrown, and is not cancelled with the caller.
/// </summary>
internal sealed class InvalidationPublisher(ITagInvalidator invalidator, EntityFrameworkCoreMetrics metrics, ILogger logger)
{
    private const int TagsInLog = 20;

    // A synchronous save waits for its publish, as an asynchronous one does. The publish runs on the thread pool so
    // that an invalidator resuming on the caller's synchronization context cannot deadlock.
    public void Publish(string context, DistinctTags tags) => Task.Run(() => PublishAsync(context, tags)).GetAwaiter().GetResult();

    public async Task PublishAsync(string context, DistinctTags tags)
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

    /// <summary>Publishes an outbox row's tags under its id; false when that failed, and the row waits for the relay.</summary>
    public async Task<bool> PublishOnceAsync(string context, string id, DistinctTags tags, bool async)
    {
        if (!async)
        {
            return Task.Run(() => PublishOnceAsync(context, id, tags, async: true)).GetAwaiter().GetResult();
        }

        try
        {
            await invalidator.InvalidateTagsOnceAsync(id, tags.Tags, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            InterceptionLog.Published(logger, context, tags.Count, id);
            return true;
        }
        catch (Exception exception)
        {
            metrics.PublishFailed(exception);
            InterceptionLog.OutboxPublishFailed(logger, context, tags.Count, id, exception);
            return false;
        }
    }
}
