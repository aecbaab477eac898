using System.Net;
using System.Text.RegularExpressions;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// The failures retrying cannot fix, read from what SignalR's .NET client throws: a negotiate answered 404, 401 or
/// 403 (an <see cref="HttpRequestException"/> with its status), a negotiate answered with something that is not a
/// negotiate response, and a handshake the server refused for its protocol. The same cases, and hints, as the
/// TypeScript client's: both are checked against <c>tests/vectors/client.json</c>.
/// </summary>
internal static partial class ConnectionFailures
{
    /// <summary>
    /// The failure <paramref name="error"/> (or an exception inside it) stands for, or null for a transient one; with
    /// <paramref name="gaveUp"/> (the policy returned null) always one.
    /// </summary>
    public static TagInvalidationConnectionException? Classify(Exception error, Uri? hubUrl, bool gaveUp = false)
    {
        var url = hubUrl?.ToString() ?? "the client's URL";
        foreach (var inner in Flatten(error))
        {
            if (Failure(inner, url) is { } found)
            {
                return new TagInvalidationConnectionException(found.Failure, found.Hint, (inner as HttpRequestException)?.StatusCode, error);
            }
        }

        // A policy that gave up keeps the status it gave up on, and says so when no server answered at all.
        return gaveUp
            ? new TagInvalidationConnectionException(
                TagInvalidationFailure.GaveUp,
                $"the reconnect policy gave up{(Unreachable(error, hubUrl) is { } unreachable ? ": " + unreachable : "")}; call StartAsync to try again",
                StatusOf(error),
                error)
            : null;
    }

    /// <summary>Failed tries of a start after which the client says the hub is unreachable (and keeps trying); as in TypeScript.</summary>
    public const int UnreachableAfter = 3;

    /// <summary>What a start that failed <see cref="UnreachableAfter"/> times in a row, the last with <paramref name="error"/>, most likely means.</summary>
    public static TagInvalidationConnectionException UnreachableFailure(Exception error, Uri? hubUrl) => new(
        TagInvalidationFailure.Unreachable,
        $"cannot reach the hub at {hubUrl?.ToString() ?? "the client's URL"} after {UnreachableAfter} tries (still trying). Is the server up, and is the URL right?",
        StatusOf(error),
        error);

    /// <summary>
    /// What to check when <paramref name="error"/> (or an exception inside it) says no server answered at all
    /// (connection refused, an unknown host), or null when one did.
    /// </summary>
    public static string? Unreachable(Exception error, Uri? hubUrl) =>
        Flatten(error).Any(inner => inner is HttpRequestException { StatusCode: null } http
            && (http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError || http.InnerException is System.Net.Sockets.SocketException))
            ? $"could not reach the server of {hubUrl?.ToString() ?? "the client's URL"}: is it up, and is the URL right?"
            : null;

    // The HTTP status an attempt was answered with, if any (a 500 or 503 the policy gave up on).
    private static HttpStatusCode? StatusOf(Exception error) =>
        Flatten(error).OfType<HttpRequestException>().Select(http => http.StatusCode).FirstOrDefault(status => status is not null);

    private static (TagInvalidationFailure Failure, string Hint)? Failure(Exception error, string url) => error switch
    {
        HttpRequestException { StatusCode: HttpStatusCode.NotFound } => HubNotFound(url),
        InvalidDataException invalid when invalid.Message.Contains("negotiat", StringComparison.OrdinalIgnoreCase) => HubNotFound(url),
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } =>
            (TagInvalidationFailure.Unauthorized, $"the hub at {url} wants a signed-in user: sign in or give AccessTokenProvider (or a cookie through ConfigureHttpConnection), then call StartAsync again"),
        HttpRequestException { StatusCode: HttpStatusCode.Forbidden } =>
            (TagInvalidationFailure.Forbidden, $"the hub at {url} refused: may this user open the hub, and is the Origin header sent (a page's origin) the server's own or in AllowedOrigins?"),
        _ when UnsupportedProtocol().Match(error.Message) is { Success: true } match =>
            (TagInvalidationFailure.ProtocolNotSupported, match.Groups[1].Value == "messagepack"
                ? "call AddMessagePackProtocol() on the server, or let the client speak JSON"
                : $"the server does not speak the '{match.Groups[1].Value}' hub protocol"),
        _ => null,
    };

    private static (TagInvalidationFailure, string) HubNotFound(string url) =>
        (TagInvalidationFailure.HubNotFound, $"is the hub mapped at {url}? (app.MapTagInvalidation() maps /hubs/invalidation; a proxy in between, such as a dev server's, must pass the path, WebSockets included)");

    // Transports that fall back report an AggregateException of their attempts; SignalR wraps some errors once more.
    public static IEnumerable<Exception> Flatten(Exception error)
    {
        yield return error;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : error.InnerException is { } one ? [one] : [];
        foreach (var nested in inner.SelectMany(Flatten))
        {
            yield return nested;
        }
    }

    [GeneratedRegex("protocol '(.*)' is not supported", RegexOptions.IgnoreCase)]
    private static partial Regex UnsupportedProtocol();
}
