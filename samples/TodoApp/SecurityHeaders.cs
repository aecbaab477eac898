namespace TodoApp;

/// <summary>
/// The response headers every answer of the app carries: the SPA, its assets, the API and the hub's HTTP answers.
/// </summary>
/// <remarks>
/// The policy fits the SPA's Vite build: its scripts and styles are files of the app's own origin (no inline script or
/// style element; React sets styles through the DOM, which a policy does not restrict), and it talks only to its own
/// origin: the API with <c>fetch</c>, the hub over WebSockets, Server-Sent Events or long polling (<c>'self'</c>
/// covers <c>ws:</c> and <c>wss:</c> to the same host and port). Nothing may frame the app.
/// </remarks>
public static class SecurityHeaders
{
    /// <summary>The Content-Security-Policy of every answer.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The policy of a page opened with <c>?devtools</c>: TanStack Devtools injects its styles at run time (a style
    /// element), which <c>style-src 'self'</c> refuses. Scripts stay the app's own; any other page keeps the strict policy.
    /// </summary>
    public const string DevtoolsContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Adds the headers to every response as it starts, so an answer that clears the response first (the exception
    /// handler's, a served cache entry) carries them too.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Query.ContainsKey("devtools") ? DevtoolsContentSecurityPolicy : ContentSecurityPolicy;
            // A browser must not guess a type: a JSON answer read as a script or a page, say.
            headers.XContentTypeOptions = "nosniff";
            // frame-ancestors for browsers that predate it.
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
