using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Keeps an output-cached answer from outliving a change it did not see, so the clients a save's push made refetch
/// are never left with the old answer and nobody to tell them again. Two races lead there. A GET that read the
/// database before a save and stores its answer after that save's eviction puts the old answer back. And the
/// middleware shares one lookup per key among concurrent requests: a lookup that read the entry before the eviction
/// answers a request made after the push with the old entry.
/// The guard reads the log before the lookup: its position, which it stamps on the response
/// (<see cref="InvalidationHeaders.DataCursor"/>, stored with the answer), and the last invalidation of the answer's
/// tags. An answer to store is not stored when one of its tags was invalidated since; when that happens during the
/// store, or when a cached answer's stamp is older than the last invalidation of its tags, the tags are published
/// once more (once the app's pipeline returns to <see cref="CacheFillStartupFilter"/>'s middleware, outside every
/// other), which evicts the entry and makes its readers refetch.
/// </summary>
/// <remarks>
/// It runs as an output cache requirement, which the middleware evaluates at each of its steps: before the lookup
/// (no state yet), when serving a cached entry, and after the handler. The last is told from the second by the
/// response body: the middleware puts its recording stream in place only around the handler.
/// </remarks>
internal sealed class CacheFillGuard
{
    private static readonly object StateKey = new();

    private readonly InvalidationLog _log;
    private readonly ITagInvalidator _invalidator;
    private readonly TagInvalidationMetrics _metrics;
    private readonly ILogger<CacheFillGuard> _logger;

    private CacheFillGuard(InvalidationLog log, ITagInvalidator invalidator, TagInvalidationMetrics metrics, ILogger<CacheFillGuard> logger)
    {
        _log = log;
        _invalidator = invalidator;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>One step of the output cache for a response known by <paramref name="tags"/>.</summary>
    public static async ValueTask StepAsync(OutputCacheContext context, IReadOnlyList<Tag> tags)
    {
        var http = context.HttpContext;
        if (http.Items.TryGetValue(StateKey, out var found) && found is Fill fill)
        {
            await fill.Guard.LaterStepAsync(context, fill);
            return;
        }

        // Without AddTagInvalidation() there is no log to ask, and nothing publishes invalidations to race with.
        if (http.RequestServices.GetService<TagInvalidationMarkerService>() is null)
        {
            return;
        }

        var services = http.RequestServices;
        var guard = new CacheFillGuard(
            services.GetRequiredService<InvalidationLog>(),
            services.GetRequiredService<ITagInvalidator>(),
            services.GetRequiredService<TagInvalidationMetrics>(),
            services.GetRequiredService<ILogger<CacheFillGuard>>());
        fill = new Fill(guard, tags) { Body = http.Response.Body };
        http.Items[StateKey] = fill;
        try
        {
            var state = await guard._log.ReadTagsAsync(tags, http.RequestAborted);
            fill.Start = state.Current;
            fill.LastInvalidated = state.LastInvalidated.Count == 0 ? 0 : state.LastInvalidated.Values.Max();

            // Stored with the answer when it is stored; replaced by the stored one when a cached answer is served.
            http.Response.Headers[InvalidationHeaders.DataCursor] = state.Current.ToString();
        }
        catch (InvalidationLogUnavailableException)
        {
            // Unguarded: served as usual, never stored.
        }

        fill.Context = context;
    }

    private async ValueTask LaterStepAsync(OutputCacheContext context, Fill fill)
    {
        if (ReferenceEquals(context.HttpContext.Response.Body, fill.Body))
        {
            // Served from the cache (or from the answer of a request it waited for): nothing of this request is stored.
            fill.Served = true;
            return;
        }

        if (fill.Checked)
        {
            return;
        }

        fill.Checked = true;
        if (fill.Start is null || await ChangedSinceAsync(fill, context.HttpContext.RequestAborted) is not [])
        {
            context.AllowCacheStorage = false;
            fill.Refused = true;
        }
    }

    /// <summary>
    /// Once the pipeline returned (the output cache stored what it stores), and before the response ends for a body
    /// of unknown length: a change logged since the request began may have been evicted before the store.
    /// </summary>
    public static Task AfterPipelineAsync(HttpContext context) =>
        context.Items.TryGetValue(StateKey, out var found) && found is Fill fill ? fill.Guard.AfterStoreAsync(fill) : Task.CompletedTask;

    private async Task AfterStoreAsync(Fill fill)
    {
        if (fill.Context is not { } context)
        {
            return;
        }

        try
        {
            IReadOnlyList<Tag> changed;
            if (fill.Served)
            {
                changed = ServedStale(context.HttpContext, fill) ? fill.Tags : [];
            }
            else if (!fill.Refused && fill.Checked && context.AllowCacheStorage)
            {
                changed = await ChangedSinceAsync(fill, CancellationToken.None);
            }
            else
            {
                return;
            }

            if (changed.Count > 0)
            {
                _metrics.CacheFillRepaired();
                PublishingLog.CacheFillRepaired(_logger, context.HttpContext.Request.Path, changed.Count);
                await _invalidator.InvalidateTagsAsync(changed, "querytags:cache-fill", CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            PublishingLog.CacheFillRepairFailed(_logger, context.HttpContext.Request.Path, ex);
        }
    }

    // A cached answer whose data was read before the last invalidation of its tags that this request's first read
    // saw: that invalidation's eviction should have removed it, so it came from a lookup made before the eviction.
    private static bool ServedStale(HttpContext context, Fill fill) =>
        fill.Start is { } start
        && InvalidationCursor.TryParse(context.Response.Headers[InvalidationHeaders.DataCursor].ToString(), out var read)
        && (read.Epoch != start.Epoch || read.Sequence < fill.LastInvalidated);

    // The answer's tags invalidated after the request began: all of them when the log cannot tell (a reset).
    private async Task<IReadOnlyList<Tag>> ChangedSinceAsync(Fill fill, CancellationToken cancellationToken)
    {
        try
        {
            var replay = await _log.ReplayAsync(fill.Tags, fill.Start, null, cancellationToken);
            return replay.Reset ? fill.Tags : replay.Missed;
        }
        catch (InvalidationLogUnavailableException)
        {
            return fill.Tags;
        }
    }

    private sealed class Fill(CacheFillGuard guard, IReadOnlyList<Tag> tags)
    {
        public CacheFillGuard Guard { get; } = guard;

        public IReadOnlyList<Tag> Tags { get; } = tags;

        public InvalidationCursor? Start { get; set; }

        // The last invalidation of any prefix of the tags when the request began.
        public long LastInvalidated { get; set; }

        // The response body before the middleware's recording stream: the handler ran when it has been replaced.
        public Stream? Body { get; init; }

        public OutputCacheContext? Context { get; set; }

        public bool Served { get; set; }

        public bool Checked { get; set; }

        public bool Refused { get; set; }
    }
}
