namespace QueryTags.SignalR;

/// <summary>
/// The invalidation log could not be reached (Redis is down or unreachable), so the invalidation was not
/// recorded and nothing was sent. Retry, or fail the request: clients would otherwise keep stale data.
/// </summary>
public sealed class InvalidationLogUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be reached and what was not done.</param>
    /// <param name="innerException">The store's own error.</param>
    public InvalidationLogUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
