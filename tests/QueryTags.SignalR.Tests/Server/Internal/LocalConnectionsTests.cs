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
        server.Subscriptions.Disconnected(first);
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
}
