using QueryTags.SignalR.LoadTest.Clients;

namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>The idle capacity scenario: server memory with no connections and with many idle ones, after a full GC each.</summary>
/// <param name="Transport">What the WebSockets travelled over (results from before HTTP/2 was measured have none: HTTP/1.1).</param>
/// <param name="Connections">Idle connections held, each with <paramref name="TagsPerConnection"/> tags.</param>
/// <param name="Asked">Connections the profile asked for; more than <paramref name="Connections"/> when the open-file limit capped it.</param>
/// <param name="ServerSockets">Sockets the server held with every connection open: about one per connection over HTTP/1.1, one per hundred over HTTP/2 (Kestrel's streams per connection); null in results from before it was read.</param>
/// <param name="ReleasedRssBytesPerConnection">RSS per connection after the GC also returned the memory it keeps committed (.NET: an aggressive collection); null in results from before it was read.</param>
internal sealed record IdleResult(
    string System,
    WebSocketTransport Transport,
    int Asked,
    int Connections,
    int? ServerSockets,
    int TagsPerConnection,
    long EmptyRssBytes,
    long LoadedRssBytes,
    long EmptyManagedBytes,
    long LoadedManagedBytes,
    double RssBytesPerConnection,
    double ManagedBytesPerConnection,
    double ConnectSeconds,
    long Errors,
    long? EmptyReleasedRssBytes = null,
    long? LoadedReleasedRssBytes = null,
    double? ReleasedRssBytesPerConnection = null);
