namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>What the SignalR baselines send: our wire type without a cursor (they keep no log).</summary>
internal static class BaselineMessage
{
    public static InvalidationMessage For(Tag tag, string publishedAt) => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Tags = [tag],
        Source = publishedAt,
    };
}
