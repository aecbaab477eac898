namespace QueryTags.SignalR;

/// <summary>
/// The wire field <c>spread</c>: milliseconds over which clients spread their refetches. A reader takes any number and
/// cuts it to 0–60,000, so a hostile or broken server can neither fail a message nor park a client's refetches.
/// </summary>
internal static class WireSpread
{
    /// <summary>The longest window a client accepts.</summary>
    public const int LongestMilliseconds = 60_000;

    public static int Clamp(double milliseconds) =>
        double.IsNaN(milliseconds) ? 0 : (int)Math.Clamp(Math.Floor(milliseconds), 0, LongestMilliseconds);
}
