namespace QueryTags.SignalR;

/// <summary>Options of the tag invalidation server. Every limit is checked when the application starts.</summary>
public sealed class TagInvalidationOptions
{
    /// <summary>Most segments in one tag. Default 8.</summary>
    public int MaxSegmentsPerTag { get; set; } = 8;

    /// <summary>Most characters (UTF-16 code units) in one string segment. Default 128.</summary>
    public int MaxSegmentLength { get; set; } = 128;

    /// <summary>Most tags in one <c>Subscribe</c> or <c>Unsubscribe</c> call. Default 256. Server-side invalidations have no such limit.</summary>
    public int MaxTagsPerCall { get; set; } = 256;

    /// <summary>Most distinct tags one connection may hold. Default 1,024.</summary>
    public int MaxTagsPerConnection { get; set; } = 1024;

    /// <summary>
    /// Most prefix groups one connection may be in (a held tag joins the group of each of its prefixes, up to
    /// <see cref="MaxGroupDepth"/>, shared between its tags). Each group costs server memory (SignalR's group, and a
    /// Redis channel with the Redis backplane), so this bounds what one connection can make the server keep. A tag
    /// that would join more is refused with rule <c>too-many-groups</c>. Default 96.
    /// </summary>
    public int MaxGroupsPerConnection { get; set; } = 96;

    /// <summary>
    /// Most characters of tag text one connection may make the server keep: the canonical text of every tag it holds
    /// plus that of every prefix group it is in. A tag that would take more is refused with rule
    /// <c>too-much-tag-text</c>. Default 16,384.
    /// </summary>
    public int MaxTagTextPerConnection { get; set; } = 16_384;

    /// <summary>
    /// Most <c>Subscribe</c> and <c>Unsubscribe</c> calls one connection makes a second, with a burst of as many. A
    /// call beyond the rate waits its turn (it is not refused), and the connection's next messages wait behind it.
    /// Default 20.
    /// </summary>
    public int MaxCallsPerSecond { get; set; } = 20;

    /// <summary>
    /// Most tags the <c>Subscribe</c> and <c>Unsubscribe</c> calls of one connection carry a second, with a burst of
    /// as many; a call beyond the rate waits its turn. Default 1,024.
    /// </summary>
    public int MaxTagsPerSecond { get; set; } = 1024;

    /// <summary>
    /// Largest message, in bytes, the hub reads from a client (SignalR's <c>MaximumReceiveMessageSize</c>, applied to
    /// this hub). A larger message closes the connection. Default 32 KB (32,768), SignalR's own default.
    /// </summary>
    public long MaxMessageSize { get; set; } = 32 * 1024;

    /// <summary>
    /// How long a new connection has to complete SignalR's handshake before the server closes it (SignalR's
    /// <c>HandshakeTimeout</c>, applied to this hub). Default 5 seconds.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a stopping node waits for its hub connections to leave. When the host stops (SIGTERM, a rolling
    /// deploy), the hub refuses new connections (503 with <c>Retry-After</c>) and asks every connection to reconnect,
    /// which sends its clients to another node; the host stops once they are gone or this long has passed, whichever
    /// comes first. Connections still open then are cut. Default 1 second.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Largest body, in bytes, of a request to the publish endpoint (<c>MapTagInvalidationPublisher</c>); a larger one
    /// is answered 413. Default 64 KB (65,536).
    /// </summary>
    public long MaxPublishBodySize { get; set; } = 64 * 1024;

    /// <summary>
    /// How many leading segments of a tag get a SignalR group of their own. Default 8. An invalidation is sent
    /// to the group of its tag cut to this depth and clients filter exactly, so a shallower depth means fewer
    /// groups per connection and less precise targeting on the wire.
    /// </summary>
    public int MaxGroupDepth { get; set; } = 8;

    /// <summary>How long the invalidation log remembers an invalidation for reconnecting clients. Default 10 minutes.</summary>
    public TimeSpan RetentionWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Most invalidations the in-memory log keeps inside the retention window; beyond it the oldest are
    /// forgotten early and cursors before them get a reset. Default 100,000.
    /// </summary>
    public int LogCapacity { get; set; } = 100_000;

    /// <summary>
    /// Whether clients receive the source text a publisher attaches (<see cref="InvalidationMessage.Source"/>, the wire field <c>origin</c>) to an invalidation. Default false: the
    /// text may name people or tenants, and every holder of a matching tag would read it. Turn it on only when
    /// the text is meant for every such holder.
    /// </summary>
    public bool SendSourceToClients { get; set; }

    /// <summary>
    /// Browser origins, besides the server's own, whose pages may connect to the hub, such as
    /// <c>https://app.example.com</c> for a SPA served from another origin (it needs a CORS policy too). A request
    /// that carries an <c>Origin</c> header naming another origin is refused with 403 before it reaches SignalR,
    /// which stops another site's page from connecting with the user's cookies. Requests without the header
    /// (not from a browser page, such as the .NET client) are not affected. Default: none, the server's own origin only.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// With a log shared by several nodes (Redis): how long after its append an invalidation whose sends were never
    /// confirmed counts as lost (its node died before the sends left, or they failed) and is sent again by a node
    /// that sweeps the log; its recipients apply it once, by id. Default 5 seconds.
    /// </summary>
    public TimeSpan UnsentSendGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long clients spread the refetches of a <c>reset</c> (and of an invalidation that reaches many connections)
    /// so they do not all hit the app at once: queries on screen refetch early in the window, the others over it.
    /// Default null: 5 ms per connection reached on this node (2,000 connections: 10 s), none under 100 connections,
    /// at most 30 s. <see cref="TimeSpan.Zero"/> turns it off; another value is the window of every reset and of every
    /// invalidation that reaches 100 connections or more of this node. At most 60 s, the most clients accept.
    /// </summary>
    public TimeSpan? RefetchSpread { get; set; }

    /// <summary>How long a subscribe waits for its group joins (a backplane that is down) before it gives up and leaves them.</summary>
    internal TimeSpan GroupJoinTimeout { get; set; } = TimeSpan.FromSeconds(3);

    internal TagLimits Limits => new() { MaxSegments = MaxSegmentsPerTag, MaxSegmentLength = MaxSegmentLength };
}
