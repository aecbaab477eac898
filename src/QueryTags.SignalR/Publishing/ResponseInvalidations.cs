using Microsoft.AspNetCore.Http;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Notes each invalidation published while an HTTP request is handled on that request's response, as long as it has
/// not started: <see cref="InvalidationHeaders.Id"/> lists the ids in publish order (an HTTP list, comma-separated; the
/// last <see cref="MaxIds"/>), <see cref="InvalidationHeaders.Cursor"/> holds the latest cursor. So the page that made
/// a change can apply it and skip the push, whoever published it: a declarative endpoint, EF Core's interceptor
/// after each save, or the handler itself.
/// </summary>
/// <remarks>
/// The request is found through <see cref="IHttpContextAccessor"/>, which <c>AddTagInvalidation()</c> registers: it is
/// ASP.NET Core's own ambient request, so no middleware of ours has to run first, and a publisher that knows nothing
/// of HTTP (the interceptor) reaches it. A collector of our own would need a middleware the app must remember to add.
/// </remarks>
internal sealed class ResponseInvalidations(IHttpContextAccessor accessor)
{
    /// <summary>Ids a response lists at most (each about 30 characters): a request that saves a thousand times must not make a header proxies refuse.</summary>
    internal const int MaxIds = 16;

    /// <summary>Notes <paramref name="message"/> on the response of the request being handled, if any.</summary>
    public void Note(InvalidationMessage message)
    {
        try
        {
            if (accessor.HttpContext is { } context)
            {
                Note(context, message);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // A request that ended under a flow that outlived it: the headers are a courtesy, and the invalidation
            // was published; the publisher must not see it fail.
        }
    }

    /// <summary>Notes <paramref name="message"/> on <paramref name="context"/>'s response unless it has started; an id noted before is not repeated.</summary>
    public static void Note(HttpContext context, InvalidationMessage message)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        // Publishes of one request may run in parallel, and a response's headers are not thread-safe.
        lock (context.Features)
        {
            var noted = context.Features.Get<Noted>();
            if (noted is null)
            {
                noted = new Noted();
                context.Features.Set(noted);
            }

            if (noted.Ids.Contains(message.Id))
            {
                return;
            }

            noted.Ids.Add(message.Id);
            if (noted.Ids.Count > MaxIds)
            {
                noted.Ids.RemoveAt(0);
            }

            if (message.Cursor is { } cursor)
            {
                noted.Cursor = InvalidationCursor.Latest(noted.Cursor, cursor);
            }

            try
            {
                response.Headers[InvalidationHeaders.Id] = string.Join(", ", noted.Ids);
                response.Headers[InvalidationHeaders.Cursor] = noted.Cursor?.ToString();
            }
            catch (InvalidOperationException) when (response.HasStarted)
            {
                // The response started on another thread meanwhile: too late for headers, and the push still comes.
            }
        }
    }

    private sealed class Noted
    {
        public List<string> Ids { get; } = [];

        public InvalidationCursor? Cursor { get; set; }
    }
}
