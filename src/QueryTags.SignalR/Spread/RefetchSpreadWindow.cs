namespace QueryTags.SignalR.Internal;

/// <summary>
/// How long the clients an invalidation or a reset reaches spread their refetches (<see cref="TagInvalidationOptions.RefetchSpread"/>),
/// in whole milliseconds as the wire carries it (<c>spread</c>, left out when 0).
/// </summary>
/// <remarks>
/// Scaled to the audience, so the app behind the node sees about 400 refetching clients a second, whatever their
/// number: a herd of 2,000 at once was what a node restart cost. Under 100 connections there is no herd worth the
/// delay, and a change seen by a few tabs stays instant.
/// </remarks>
internal static class RefetchSpreadWindow
{
    /// <summary>The fewest connections reached that get a window.</summary>
    public const int LargeAudience = 100;

    /// <summary>The window per connection reached, by default.</summary>
    public static readonly TimeSpan PerConnection = TimeSpan.FromMilliseconds(2.5);

    /// <summary>The longest default window: longer, and a query off screen stays stale for too long.</summary>
    public static readonly TimeSpan LongestDefault = TimeSpan.FromSeconds(30);

    /// <summary>The longest window the option allows; clients cut a longer one from the wire to it.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    /// <summary>The window, in milliseconds, for <paramref name="audience"/> connections of this node.</summary>
    public static int For(int audience, TimeSpan? option)
    {
        if (audience < LargeAudience || option == TimeSpan.Zero)
        {
            return 0;
        }

        var window = option ?? TimeSpan.FromTicks(Math.Min(LongestDefault.Ticks, audience * PerConnection.Ticks));
        return (int)window.TotalMilliseconds;
    }
}
