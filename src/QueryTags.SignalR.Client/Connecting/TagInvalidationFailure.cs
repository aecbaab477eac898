namespace QueryTags.SignalR.Client;

/// <summary>Why a client stopped trying to connect: what the server said that retrying cannot change, or a policy that gave up.</summary>
public enum TagInvalidationFailure
{
    /// <summary>The negotiate request was answered 404 (or with something that is not a negotiate response): no hub at the URL.</summary>
    HubNotFound,

    /// <summary>401: the hub wants an authenticated user.</summary>
    Unauthorized,

    /// <summary>403: the hub refused this client (its origin, or its user).</summary>
    Forbidden,

    /// <summary>The server does not speak the hub protocol the client asked for (MessagePack without <c>AddMessagePackProtocol()</c>).</summary>
    ProtocolNotSupported,

    /// <summary>The retry policy returned null after transient failures.</summary>
    GaveUp,

    /// <summary>
    /// The one that does not stop the client: a start failed <c>3</c> times in a row with transient errors (the server
    /// down, a wrong host or port); it keeps trying, with the status <see cref="TagInvalidationStatus.Connecting"/>.
    /// Reported by <see cref="TagInvalidationClient.Error"/>.
    /// </summary>
    Unreachable,
}
