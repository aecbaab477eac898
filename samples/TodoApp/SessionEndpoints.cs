using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;

namespace TodoApp;

/// <summary>
/// Sign-in without a password under <c>/api/session</c>: <c>POST {"user": "alice"}</c> signs in as a sample user
/// (a session cookie), <c>DELETE</c> signs out, <c>GET</c> says who is signed in.
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

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SampleUsers.PrincipalOf(request.User));
        return TypedResults.Ok(new Session(request.User));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }
}
