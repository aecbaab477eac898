namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>Our hub: the public <see cref="ITagInvalidator"/>, log append and group resolution included.</summary>
internal sealed class QueryTagsPublisher(ITagInvalidator invalidator) : IBenchPublisher
{
    public Task PublishAsync(Tag tag, string publishedAt) => invalidator.InvalidateTagsAsync([tag], source: publishedAt);
}
