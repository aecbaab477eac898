using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Tests.Client;

/// <summary>
/// The shared vectors in <c>tests/vectors/client.json</c>, which the TypeScript client's tests read too
/// (<c>clients/query-tags-signalr/tests/unit/clientVectors.test.ts</c>).
/// </summary>
internal static class ClientVectors
{
    private static readonly JsonDocument Document = JsonDocument.Parse(
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "vectors", "client.json")));

    public static JsonElement Root => Document.RootElement;

    /// <summary>Each vector of an array as its index and its <c>why</c>, so a failing case names itself.</summary>
    public static TheoryData<int, string> Section(params string[] path)
    {
        var data = new TheoryData<int, string>();
        var index = 0;
        foreach (var vector in At(path).EnumerateArray())
        {
            data.Add(index++, vector.TryGetProperty("why", out var why) ? why.GetString()! : vector.GetRawText());
        }

        return data;
    }

    public static JsonElement At(params string[] path) => path.Aggregate(Root, (element, name) => element.GetProperty(name));

    public static string? Text(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static Tag[] Tags(this JsonElement element) => [.. element.EnumerateArray().Select(Abstractions.Tags.TagVectors.ReadTag)];

    /// <summary>
    /// What SignalR's .NET client throws for an error the vectors describe (null: a close the server asked for, which
    /// SignalR reports without a reason). A 503's <c>Retry-After</c> goes to <paramref name="retryAfter"/>, as the
    /// connection's HTTP handler notes it.
    /// </summary>
    public static Exception? SignalRError(JsonElement error, RetryAfterNote? retryAfter = null)
    {
        if (error.TryGetProperty("negotiateStatus", out var status))
        {
            var code = (HttpStatusCode)status.GetInt32();
            if (error.TryGetProperty("retryAfterSeconds", out var seconds))
            {
                var response = new HttpResponseMessage(code);
                response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds.GetInt32()));
                retryAfter?.Note(response, DateTimeOffset.UnixEpoch);
            }

            return new HttpRequestException($"Response status code does not indicate success: {(int)code}.", null, code);
        }

        return error.EnumerateObject().Single().Name switch
        {
            "negotiateNotJson" => new InvalidDataException("Invalid negotiation response received.", new JsonException("'<' is an invalid start of a value.")),
            "handshakeProtocol" => new HubException($"Unable to complete handshake with the server due to an error: The protocol '{error.Text("handshakeProtocol")}' is not supported."),
            "noAnswer" => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (localhost:5080)", new SocketException((int)SocketError.ConnectionRefused)),
            "transportClosed" => new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The remote party closed the WebSocket connection without completing the close handshake."),
            "timeout" => new TimeoutException("Server timeout elapsed without receiving a message from the server."),
            "closedByServer" => null,
            var other => throw new InvalidOperationException($"The vectors describe an error this test does not know: {other}."),
        };
    }
}
