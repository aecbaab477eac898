using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using QueryTags.SignalR;

namespace TodoApp;

/// <summary>
/// Sign-in without a password under <c>/api/session</c>: <c>POST {"user": "alice"}</c> signs in as a sample user
/// (a session cookie), <c>DELETE</c> signs out, <c>GET</c> says who is signed in. Signing out, or in as someone
/// else, closes the previous user's hub connections (<see cref="IUserConnections"/>): a WebSocket is authenticated
/// once, when it opens, and would otherwise go on receiving that user's invalidations.
/// </summary>
public static class SessionEndpoints
{
    /// <summary>Maps the session API.</summary>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapSessionApi(this IEndpointRouteBuilder endpoints)
    {
        var session = endpoints.MapGroup("/api/session");
        session.MapGet("/", (ClaimsPrincipal user) => TypedResults.Ok(new Session(SampleUsers.NameOf(user))));
        session.MapPost("/", SignInAsync);
        // As a Delegate: the method fits RequestDelegate too, which would drop its result.
        session.MapDelete("/", (Delegate)SignOutAsync);
        return session;
    }

    private static async Task<Results<Ok<Session>, ValidationProblem>> SignInAsync(SignInRequest request, HttpContext context)
    {
        if (!SampleUsers.Exists(request.User))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["user"] = [$"Sign in as one of the sample users: {string.Join(", ", SampleUsers.Names)}."],
            });
        }

        if (SampleUsers.NameOf(context.User) is { } previous && previous != request.User)
        {
            CloseConnectionsWhenAnswered(context);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SampleUsers.PrincipalOf(request.User));
        return TypedResults.Ok(new Session(request.User));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context)
    {
        CloseConnectionsWhenAnswered(context);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    // The request's user is the one signing out (SignOutAsync leaves HttpContext.User as it is). The connections close
    // once the answer, which clears the cookie, has gone out: a connection closed earlier could reconnect with the old
    // cookie (a cleared cookie is still valid when sent again), as the user who just left. The SPA restarts its
    // connection after the answer too; this closes what it does not restart (another tab's, a page that is not the SPA).
    private static void CloseConnectionsWhenAnswered(HttpContext context)
    {
        var user = context.User;
        var connections = context.RequestServices.GetRequiredService<IUserConnections>();
        context.Response.OnCompleted(() => connections.CloseAsync(user));
    }
}
