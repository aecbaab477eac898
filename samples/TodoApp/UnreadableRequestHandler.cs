using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace TodoApp;

/// <summary>
/// Answers a request that cannot be read (malformed JSON, a value of the wrong type, no body at all) with a problem
/// that says what is wrong and where, instead of minimal APIs' bare 400. Program.cs sets
/// <c>RouteHandlerOptions.ThrowOnBadRequest</c>, so that reading the request throws
/// <see cref="BadHttpRequestException"/> for this handler to answer.
/// </summary>
public sealed class UnreadableRequestHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var problem = badRequest.InnerException is JsonException json
            ? Describe(json, BodyType(httpContext))
            : httpContext.Request.ContentLength == 0
                ? Problem("The request body is empty.", "The request body is empty: send a JSON object.", "body")
                // A 415 (a body without a JSON content type) gets Program.cs's detail, which says what to send.
                : new ProblemDetails { Detail = badRequest.StatusCode == StatusCodes.Status415UnsupportedMediaType ? null : badRequest.Message };
        problem.Status = badRequest.StatusCode;
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new() { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// What System.Text.Json could not read, named by the member it was reading (the key of <c>errors</c>, as in a
    /// validation problem) and the place in the body: line and byte counted from 1.
    /// </summary>
    private static ValidationProblemDetails Describe(JsonException json, Type? bodyType)
    {
        var field = json.Path is null or "$" ? "body" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
        var where = $"line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}";

        // A value of another type than the member's: System.Text.Json names the body's type, not the member's.
        if (json.InnerException is null && json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            if (field == "body")
            {
                return Problem("The request body has a value of the wrong type.", $"The body must be a JSON object ({where}).", field);
            }

            if (MemberType(bodyType, field) is { } type)
            {
                return Problem("The request body has a value of the wrong type.", $"'{field}' must be {Expected(type)} ({where}).", field);
            }
        }

        // System.Text.Json ends its messages with the path and position, said once here, in the detail; a string it
        // cannot read (an unpaired surrogate escape) is explained by the inner exception.
        var reason = json.InnerException?.Message ?? json.Message.Split(" Path: ", 2)[0].Split(" LineNumber: ", 2)[0].Trim();
        return Problem("The request body is not valid JSON.", $"The body is not valid JSON at {where}: {reason}", field);
    }

    private static ValidationProblemDetails Problem(string title, string detail, string field) =>
        new(new Dictionary<string, string[]> { [field] = [detail] }) { Title = title, Detail = detail };

    // The type the endpoint reads its body as. The exception handler has cleared the request's endpoint by now; its
    // feature keeps the endpoint that threw.
    private static Type? BodyType(HttpContext httpContext) =>
        httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    // The body's property that the JSON member names (System.Text.Json's web defaults: camelCase, any case matches).
    private static Type? MemberType(Type? bodyType, string field) =>
        bodyType?.GetProperty(field, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => "a string",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(decimal) => "a number",
        var t => $"a {t.Name}",
    };
}
