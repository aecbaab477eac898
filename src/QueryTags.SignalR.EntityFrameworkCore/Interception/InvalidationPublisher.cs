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
}
