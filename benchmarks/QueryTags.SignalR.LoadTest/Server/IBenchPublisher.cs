namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>Sends one invalidation of one tag the way the system under test does, stamped with its publish time.</summary>
internal interface IBenchPublisher
{
    Task PublishAsync(Tag tag, string publishedAt);
}
