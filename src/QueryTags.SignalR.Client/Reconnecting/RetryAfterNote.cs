using System.Net;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// The <c>Retry-After</c> of the last response answered 503 on a connection's HTTP requests (a draining node's
/// negotiate), kept for the retry policy, which SignalR tells only the status. A delay over a minute is read as a
/// minute: a client that waits longer shows stale data for longer.
/// </summary>
internal sealed class RetryAfterNote
{
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(1);

    private long _ticks = -1;

    /// <summary>The delay noted since the last call, if any; it is forgotten once taken.</summary>
    public TimeSpan? Take() => Interlocked.Exchange(ref _ticks, -1) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    public void Note(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is not { } retryAfter)
        {
            return;
        }

        var delay = retryAfter.Delta ?? (retryAfter.Date - now) ?? TimeSpan.Zero;
        Interlocked.Exchange(ref _ticks, Math.Clamp(delay.Ticks, 0, Longest.Ticks));
    }

    /// <summary>Wraps the handler of a connection's HTTP requests so their 503 answers are noted.</summary>
    public HttpMessageHandler Watch(HttpMessageHandler inner) => new Watcher(inner, this);

    private sealed class Watcher(HttpMessageHandler inner, RetryAfterNote note) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            note.Note(response, DateTimeOffset.UtcNow);
            return response;
        }
    }
}
