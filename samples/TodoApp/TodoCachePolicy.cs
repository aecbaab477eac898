using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;

namespace TodoApp;

/// <summary>
/// The output cache policy of the todo GETs, in place of ASP.NET Core's default (<c>CacheOutput(..., excludeDefaultPolicy: true)</c>). It
/// does what the default does (GET and HEAD only, not with an <c>Authorization</c> header, stores only a 200, and never
/// a response that sets a cookie) but for signed-in requests too. The default neither reads nor stores a request with
/// the session cookie, since it cannot know whether the answer depends on the user. The todo GETs know: the shared
/// list's answers are the same for everyone, and a user's own list adds <c>VaryByValue</c> by the user's name, so each
/// user has entries of their own. An endpoint whose answer depends on the user in any other way must not use it.
/// </summary>
/// <remarks>
/// An entry is keyed by nothing the answer does not depend on, so a client cannot make the cache keep copies of one
/// answer: not the query string (the GETs read none; the default varies by all of it, so <c>?v=1</c>, <c>?v=2</c>...
/// each stored the list again), not the <c>Host</c> header, and a todo's id only as the route reads it: <c>/5</c> is
/// cached, <c>/05</c> and <c>/+5</c> are answered but not stored.
/// </remarks>
public sealed class TodoCachePolicy : IOutputCachePolicy
{
    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var request = context.HttpContext.Request;
        var cacheable = (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && string.IsNullOrEmpty(request.Headers.Authorization)
            && !HasIdInAnotherSpelling(request);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.CacheVaryByRules.VaryByHost = false;
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        // A renewed session cookie must never reach another user, nor an error be kept.
        var response = context.HttpContext.Response;
        if (!string.IsNullOrEmpty(response.Headers.SetCookie) || response.StatusCode != StatusCodes.Status200OK)
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    // The path is part of every entry's key, and the route's int constraint reads 5 from "5", "05", "+5" and more.
    private static bool HasIdInAnotherSpelling(HttpRequest request) =>
        request.RouteValues.TryGetValue("id", out var value) && value is string text
        && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
        && text != id.ToString(CultureInfo.InvariantCulture);
}
