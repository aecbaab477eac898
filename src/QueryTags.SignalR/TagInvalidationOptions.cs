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

    internal TagLimits Limits => new() { MaxSegments = MaxSegmentsPerTag, MaxSegmentLength = MaxSegmentLength };
}
