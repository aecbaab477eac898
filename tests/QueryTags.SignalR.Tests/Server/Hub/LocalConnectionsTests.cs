namespace QueryTags.SignalR.Tests.Server.Internal;

public class LocalConnectionsTests
{
    [Fact]
    public async Task A_reset_goes_to_every_local_connection_with_the_current_cursor()
    {
        var server = new TestServices();
        var first = server.Connect("first");
        server.Connect("second");
        var invalidated = await server.Invalidator.InvalidateTagsAsync([["todo"]]);
        await server.Subscriptions.DisconnectedAsync(first);
        server.Connect("third");

        ILocalClientReset reset = server.Connections;
        var count = await reset.ResetAllAsync("backplane-restored", default);

        Assert.Equal(2, count);
        Assert.Equal(["second", "third"], server.HubContext.Resets.Select(sent => sent.ConnectionId).Order());
        Assert.All(server.HubContext.Resets, sent =>
        {
            Assert.Equal("backplane-restored", sent.Message.Reason);
            Assert.Equal(server.Log.Epoch, sent.Message.Cursor!.Value.Epoch);
            Assert.True(sent.Message.Cursor.Value.Sequence >= invalidated.Cursor!.Value.Sequence);
        });
    }

    [Fact]
    public async Task A_reset_evicts_every_server_cache_first()
    {
        var order = new List<string>();
        var server = new TestServices(evictors: [new OrderedEvictor(order)]);
        server.Connect("only");
        server.HubContext.OnSend = () => order.Add("reset");

        await ((ILocalClientReset)server.Connections).ResetAllAsync("backplane-restored", default);

        Assert.Equal(["evict all", "reset"], order);
    }

    [Fact]
    public async Task A_reset_whose_eviction_fails_throws_and_tells_no_client()
    {
        var server = new TestServices(evictors: [new OrderedEvictor([], fail: true)]);
        server.Connect("only");

        await Assert.ThrowsAsync<InvalidOperationException>(() => ((ILocalClientReset)server.Connections).ResetAllAsync("backplane-restored", default));

        Assert.Empty(server.HubContext.Resets);
        Assert.Contains(server.CachesLogger.Entries, entry => entry.Event.Name == "EvictAllFailed");
    }

    private sealed class OrderedEvictor(List<string> order, bool fail = false) : ITagEvictor
    {
        public ValueTask EvictAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask EvictAllAsync(CancellationToken cancellationToken)
        {
            if (fail)
            {
                return ValueTask.FromException(new InvalidOperationException("the cache store is down"));
            }

            order.Add("evict all");
            return ValueTask.CompletedTask;
        }
    }
}
