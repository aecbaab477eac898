using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The check of a hub request's <c>Origin</c> header: the server's own origin and the configured ones pass, as
/// does a request without the header; any other is answered 403. Browsers send the header on WebSocket upgrades
/// and on every cross-origin request, so another site's page cannot open a connection with the user's cookies.
/// </summary>
internal static class AllowedOrigin
{
    /// <summary>True for scheme, host and port alone (as browsers send it), such as <c>https://app.example.com</c>.</summary>
    public static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.Equals(text.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

    public static bool Allows(HttpContext context, TagInvalidationOptions options)
    {
        if (!context.Request.Headers.TryGetValue("Origin", out var values))
        {
            return true;
        }

        var origin = values.ToString();
        var own = string.Concat(context.Request.Scheme, "://", context.Request.Host.Value);
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || options.AllowedOrigins.Any(allowed => string.Equals(origin, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Wraps a hub endpoint so a request from an origin that is not allowed is answered 403.</summary>
    public static RequestDelegate Guard(RequestDelegate next) => async context =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<TagInvalidationOptions>>().Value;
        if (Allows(context, options))
        {
            await next(context);
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        // Any page on the web can send these: throttled as every refusal a client can cause is.
        if (LoggingThrottle.ForRequest(context, typeof(InvalidationHub).FullName!, LogLevel.Information) is { } logger)
        {
            HubLog.OriginRefused(logger, origin, context.Request.Path);
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.Response.WriteAsync($"The origin '{origin}' may not connect to this hub: add it to TagInvalidationOptions.AllowedOrigins (and a CORS policy) if its pages should.");
    };
}
