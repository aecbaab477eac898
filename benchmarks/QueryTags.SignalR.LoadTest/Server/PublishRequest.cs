namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// Body of <c>POST /bench/publish</c>, the same for the .NET servers and the socket.io server: invalidate
/// <see cref="Tags"/> (canonical forms, round-robin) at <see cref="Rate"/> per second for <see cref="Seconds"/>.
/// </summary>
internal sealed record PublishRequest(double Rate, double Seconds, IReadOnlyList<string> Tags);

/// <summary>Answer of <c>POST /bench/publish</c>, sent when the last invalidation was sent.</summary>
internal sealed record PublishReport(long Published, long Failed, double Seconds);
