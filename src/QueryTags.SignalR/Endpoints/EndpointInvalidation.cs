using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Wraps an endpoint's request delegate so that, when its response has a 2xx status, the tags in its metadata
/// (<see cref="IRequestTags"/>) are invalidated: as the response starts (so its headers carry the invalidation's
/// id and cursor), or after the handler returns for a response that never started (an empty 204).
/// </summary>
/// <remarks>
/// Nothing is published for another status or when the handler throws. A publish that fails after the handler
/// succeeded does not change the response: the change is saved, and a 500 would invite a retry of a request
/// that worked. It is logged as an error, counted (<c>querytags.endpoint.invalidations.failed</c>) and the
/// response carries no invalidation headers.
/// </remarks>
internal static class EndpointInvalidation
{
    private static readonly object Marker = new();

    /// <summary>Wraps <paramref name="endpoint"/> once, however many conventions ask.</summary>
    public static void Wrap(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.Contains(Marker))
        {
            return;
        }

        if (endpoint.ApplicationServices.GetService<TagInvalidationMarkerService>() is null)
        {
            throw new InvalidOperationException(TagInvalidationMarkerService.NotRegisteredMessage);
        }

        var next = endpoint.RequestDelegate
            ?? throw new InvalidOperationException($"The endpoint '{endpoint.DisplayName}' has no request delegate to publish invalidations after.");
        endpoint.Metadata.Add(Marker);
        endpoint.RequestDelegate = context => InvokeAsync(context, next);
    }

    private static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // Read at request time: attributes and later conventions add metadata after a group's conventions ran.
        var sources = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IRequestTags>();
        return sources is { Count: > 0 } ? InvokeAndPublishAsync(context, next, sources) : next(context);
    }

    private static async Task InvokeAndPublishAsync(HttpContext context, RequestDelegate next, IReadOnlyList<IRequestTags> sources)
    {
        var publication = new Publication(context, sources);
        context.Response.OnStarting(static state => ((Publication)state).PublishAsync(), publication);
        try
        {
            await next(context);
        }
        catch
        {
            publication.HandlerFailed = true;
            throw;
        }

        if (!context.Response.HasStarted)
        {
            await publication.PublishAsync();
        }
    }

    private sealed class Publication(HttpContext context, IReadOnlyList<IRequestTags> sources)
    {
        private int _attempted;

        public bool HandlerFailed { get; set; }

        public async Task PublishAsync()
        {
            var status = context.Response.StatusCode;
            if (HandlerFailed || status is < 200 or > 299 || Interlocked.Exchange(ref _attempted, 1) == 1)
            {
                return;
            }

            try
            {
                var tags = new List<Tag>();
                foreach (var source in sources)
                {
                    tags.AddRange(source.TagsFor(context));
                }

                if (tags.Count == 0)
                {
                    return;
                }

                // Not the request's token: the change is saved, so the others must hear of it even if this caller left.
                var invalidator = context.RequestServices.GetRequiredService<ITagInvalidator>();
                var message = await invalidator.InvalidateTagsAsync(tags, cancellationToken: CancellationToken.None);

                // The app's invalidator noted it already; one of the app's own making may not have.
                ResponseInvalidations.Note(context, message);
            }
            catch (Exception ex)
            {
                var services = context.RequestServices;
                services.GetRequiredService<TagInvalidationMetrics>().EndpointPublishFailed(ex);
                Activity.Current?.AddException(ex);
                PublishingLog.EndpointPublishFailed(
                    services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ITagInvalidator).FullName!),
                    context.GetEndpoint()?.DisplayName ?? context.Request.Path.ToString(),
                    status,
                    ex);
            }
        }
    }
}
