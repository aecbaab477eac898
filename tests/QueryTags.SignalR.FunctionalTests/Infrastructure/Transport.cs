using Microsoft.AspNetCore.Http.Connections;
using QueryTags.SignalR.Client;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>One cell of the transport × protocol matrix (SSE carries text only, so it runs JSON alone).</summary>
public sealed record Transport(HttpTransportType Type, TagInvalidationProtocol Protocol)
{
    public static TheoryData<Transport> Matrix => new()
    {
        new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.Json),
        new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.MessagePack),
        new Transport(HttpTransportType.ServerSentEvents, TagInvalidationProtocol.Json),
        new Transport(HttpTransportType.LongPolling, TagInvalidationProtocol.Json),
        new Transport(HttpTransportType.LongPolling, TagInvalidationProtocol.MessagePack),
    };

    /// <summary>WebSockets and JSON, for tests that need one cell only.</summary>
    public static Transport WebSocketsJson { get; } = new(HttpTransportType.WebSockets, TagInvalidationProtocol.Json);

    public override string ToString() => $"{Type}x{Protocol}";
}
