namespace QueryTags.SignalR.Internal;

/// <summary>
/// How long the clients an invalidation or a reset reaches spread their refetches (<see cref="TagInvalidationOptions.RefetchSpread"/>),
/// in whole milliseconds as the wire carries it (<c>spread</c>, left out of an invalidation when 0).
/// </summary>
/// <remarks>
/// Scaled to the audience: clients refetch their queries on screen in the window's first half, so the app behind the
/// node sees about 400 clients a second refetching what they show, whatever their number. Under 100 connections
/// there is no herd worth the delay, and a change seen by a few tabs stays instant.
/// </remarks>
internal static class RefetchSpreadWindow
{
    /// <summary>The fewest connections reached that get a window by default, and that an invalidation needs for any.</summary>
    public const int LargeAudience = 100;

    /// <summary>The window per connection reached, by default.</summary>
    public static readonly TimeSpan PerConnection = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest default window: longer, and a query off screen stays stale for too long.</summary>
    public static readonly TimeSpan LongestDefault = TimeSpan.FromSeconds(30);

    /// <summary>The longest window the option allows; clients cut a longer one from the wire to it.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    /// <summary>The window, in milliseconds, of a reset of <paramref name="connections"/> connections of this node.</summary>
    public static int ForReset(int connections, TimeSpan? option) =>
        (int)(option ?? (connections < LargeAudience ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(LongestDefault.Ticks, connections * PerConnection.Ticks)))).TotalMilliseconds;

    /// <summary>The window, in milliseconds, of an invalidation that reaches <paramref name="audience"/> connections of this node.</summary>
    public static int ForInvalidation(int audience, TimeSpan? option) => audience < LargeAudience ? 0 : ForReset(audience, option);
}
