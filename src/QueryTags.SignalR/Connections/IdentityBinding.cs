using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Binds each hub connection to the identity that negotiated it. The negotiate answer's connection token is recorded
/// with the request's identity; every later request that names the token (<c>?id=</c>: a long poll, a send, a close,
/// the event stream, the WebSocket) must carry the same identity, or it is answered exactly as a token that does not
/// exist: SignalR itself answers it, for a token no connection has. So the other identity learns nothing, not even
/// that the token is alive, and the owner's connection carries on untouched.
/// </summary>
/// <remarks>
/// SignalR's dispatcher only logs a change of user on a connection's requests, and on a long poll adopts the new
/// request's user as the connection's: with a leaked token, anyone (or nobody, on a hub open to anonymous users) could
/// take the owner's messages, send as the owner or end the connection.
/// </remarks>
internal static class IdentityBinding
{
    // Connection tokens are 22 characters of base64url: this one is never a connection's.
    private const string NoConnection = "none";

    /// <summary>Wraps the hub's negotiate endpoint: its answer's token is bound to the request's identity.</summary>
    public static RequestDelegate Negotiate(RequestDelegate next) => context => NegotiateAsync(context, next);

    /// <summary>Wraps the hub's connection endpoint: a request that names a token must carry the identity bound to it.</summary>
    public static RequestDelegate Guard(RequestDelegate next) => context => GuardAsync(context, next);

    private static async Task NegotiateAsync(HttpContext context, RequestDelegate next)
    {
        // The answer is a few hundred bytes of JSON with a Content-Length: read it on its way out, then send it as is.
        var body = context.Response.Body;
        using var answer = new MemoryStream();
        context.Response.Body = answer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK && TokenOf(answer) is { } token)
        {
            context.RequestServices.GetRequiredService<ConnectionBindings>().Bind(token, ConnectionIdentity.Of(context.User));
        }

        answer.Position = 0;
        await answer.CopyToAsync(body, context.RequestAborted);
    }

    private static async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        var token = context.Request.Query["id"].ToString();
        if (token.Length == 0)
        {
            // A WebSocket that skipped negotiation opens a connection of its own in this one request; anything else
            // without a token is SignalR's to refuse.
            await next(context);
            return;
        }

        var bindings = context.RequestServices.GetRequiredService<ConnectionBindings>();
        var binding = bindings.Enter(token, ConnectionIdentity.Of(context.User), context, out var otherIdentity);
        if (binding is null)
        {
            if (otherIdentity)
            {
                LogRefusal(context);
            }

            // An unknown token too: one this node did not see negotiated (or forgot) is refused rather than trusted; and
            // a closed one, which its client must not use again.
            context.Request.QueryString = QueryString.Create(context.Request.Query.Select(parameter =>
                string.Equals(parameter.Key, "id", StringComparison.OrdinalIgnoreCase) ? new KeyValuePair<string, StringValues>(parameter.Key, NoConnection) : parameter));
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            bindings.Exit(binding, context);
        }
    }

    /// <summary>The token a negotiate answer gives the client: <c>connectionToken</c>, or with protocol 0 the <c>connectionId</c>.</summary>
    internal static string? TokenOf(MemoryStream answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer.GetBuffer().AsMemory(0, (int)answer.Length));
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("connectionToken", out var token) || root.TryGetProperty("connectionId", out token))
                && token.ValueKind == JsonValueKind.String
                ? token.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void LogRefusal(HttpContext context)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InvalidationHub).FullName!);
        if (context.RequestServices.GetRequiredService<LoggingThrottle>().Allows(logger, LogLevel.Information))
        {
            HubLog.ConnectionRequestRefused(logger, context.Request.Method, context.Request.Path);
        }
    }
}
