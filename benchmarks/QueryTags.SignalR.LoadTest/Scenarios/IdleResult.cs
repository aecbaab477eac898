namespace QueryTags.SignalR.LoadTest.Scenarios;

/// <summary>The idle capacity scenario: server memory with no connections and with many idle ones, after a full GC each.</summary>
/// <param name="Connections">Idle connections held, each with <paramref name="TagsPerConnection"/> tags.</param>
/// <param name="Asked">Connections the profile asked for; more than <paramref name="Connections"/> when the open-file limit capped it.</param>
internal sealed record IdleResult(
    string System,
    int Asked,
    int Connections,
    int TagsPerConnection,
    long EmptyRssBytes,
    long LoadedRssBytes,
    long EmptyManagedBytes,
    long LoadedManagedBytes,
    double RssBytesPerConnection,
    double ManagedBytesPerConnection,
    double ConnectSeconds,
    long Errors);
