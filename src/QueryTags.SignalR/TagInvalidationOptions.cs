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
    /// Whether clients receive the <c>origin</c> text a publisher attaches to an invalidation. Default false: the
    /// text may name people or tenants, and every holder of a matching tag would read it. Turn it on only when
    /// the text is meant for every such holder.
    /// </summary>
    public bool SendOriginToClients { get; set; }

    /// <summary>
    /// Browser origins, besides the server's own, whose pages may connect to the hub, such as
    /// <c>https://app.example.com</c> for a SPA served from another origin (it needs a CORS policy too). A request
    /// that carries an <c>Origin</c> header naming another origin is refused with 403 before it reaches SignalR,
    /// which stops another site's page from connecting with the user's cookies. Requests without the header
    /// (not from a browser page, such as the .NET client) are not affected. Default: none, the server's own origin only.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    internal TagLimits Limits => new() { MaxSegments = MaxSegmentsPerTag, MaxSegmentLength = MaxSegmentLength };
}
