using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Client;

/// <summary>How <see cref="TagInvalidationClient.Create"/> builds its connection.</summary>
public sealed class TagInvalidationClientOptions
{
    /// <summary>Transports the client may use, best first. Default: WebSockets, Server-Sent Events, long polling.</summary>
    public HttpTransportType Transports { get; set; } =
        HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;

    /// <summary>The hub protocol. Default JSON.</summary>
    public TagInvalidationProtocol Protocol { get; set; } = TagInvalidationProtocol.Json;

    /// <summary>Supplies a bearer token for each connection attempt; null for none.</summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// When and how often to reconnect, and to retry a failed start. Default: at once, then 1, 2 and 5 s, then
    /// every 10 s, forever.
    /// </summary>
    public IRetryPolicy ReconnectPolicy { get; set; } = new ForeverRetryPolicy();

    /// <summary>The default of <see cref="ServerStopJitter"/>: 2 seconds.</summary>
    public static readonly TimeSpan DefaultServerStopJitter = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When the server stops (a node of a rolling deploy closes the connection asking the client to reconnect, or
    /// answers a connection attempt 503), the reconnect waits a random part of this window on top of the policy's
    /// delay (and at least the server's <c>Retry-After</c>), so the clients of a stopping node reach the others spread
    /// over it instead of all at once. Zero reconnects at the policy's delay. Default 2 seconds.
    /// </summary>
    public TimeSpan ServerStopJitter { get; set; } = DefaultServerStopJitter;

    /// <summary>Most tags sent in one hub call; larger subscribes are split. Match the server's limit. Default 256.</summary>
    public int MaxTagsPerCall { get; set; } = 256;

    /// <summary>The default of <see cref="FirstSubscribeMargin"/>: 2 seconds.</summary>
    public static readonly TimeSpan DefaultFirstSubscribeMargin = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Added to the client's age in its first subscribe (when it has no cursor yet), so invalidations that
    /// happened just before its first tag was asked for, while that data was being read, are reported too.
    /// Larger means more certain and, rarely, one extra refetch. Default 2 seconds.
    /// </summary>
    public TimeSpan FirstSubscribeMargin { get; set; } = DefaultFirstSubscribeMargin;

    /// <summary>Further settings of the HTTP connection (headers, cookies, skip negotiation).</summary>
    public Action<HttpConnectionOptions>? ConfigureHttpConnection { get; set; }

    /// <summary>Where the client and its connection log; null for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// When above zero, the client also raises <see cref="TagInvalidationClient.InvalidatedCoalesced"/> at most once per
    /// this window with the held tags invalidated (pushes and <see cref="TagInvalidationClient.Apply"/>): the first
    /// invalidation of a quiet spell at once, those during the window once at its end. For an app that refetches per
    /// tag, so a burst of changes costs a few refetches, not one per change. Default zero: off.
    /// </summary>
    public TimeSpan CoalesceWindow { get; set; }

    /// <summary>
    /// The clock of <see cref="CoalesceWindow"/>, of the first subscribe's age and of the waits between start attempts.
    /// Default <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
