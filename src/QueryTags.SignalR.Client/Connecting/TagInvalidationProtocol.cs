namespace QueryTags.SignalR.Client;

/// <summary>The SignalR hub protocol a client speaks.</summary>
public enum TagInvalidationProtocol
{
    /// <summary>JSON text; works over every transport.</summary>
    Json,

    /// <summary>Binary MessagePack; smaller, but not over Server-Sent Events (text only).</summary>
    MessagePack,
}
