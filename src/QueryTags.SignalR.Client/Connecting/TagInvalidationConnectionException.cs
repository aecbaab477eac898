using System.Net;

namespace QueryTags.SignalR.Client;

/// <summary>
/// A failure of the connection that the client does not retry, with a <see cref="Hint"/> at what usually fixes it. The
/// error SignalR reported is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class TagInvalidationConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why the client stopped trying.</param>
    /// <param name="hint">What to check, such as "is the hub mapped at …?".</param>
    /// <param name="statusCode">The HTTP status of the refused request, when there was one.</param>
    /// <param name="innerException">The error SignalR reported.</param>
    public TagInvalidationConnectionException(TagInvalidationFailure failure, string hint, HttpStatusCode? statusCode, Exception innerException)
        : base($"{hint} ({innerException?.Message})", innerException)
    {
        Failure = failure;
        Hint = hint;
        StatusCode = statusCode;
    }

    /// <summary>Why the client stopped trying.</summary>
    public TagInvalidationFailure Failure { get; }

    /// <summary>What to check, such as "is the hub mapped at …?"; also the start of <see cref="Exception.Message"/>.</summary>
    public string Hint { get; }

    /// <summary>The HTTP status of the refused request, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }
}
