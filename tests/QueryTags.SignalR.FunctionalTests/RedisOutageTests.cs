using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Redis stopped for 10 s under two nodes: loud failures, no crash, a reset for every client afterwards.</summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResetDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Invalidations_fail_loudly_during_an_outage_and_every_client_resets_after_it()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var nodeA = await KestrelServer.StartAsync(redis: redis.Configuration);
        await using var nodeB = await KestrelServer.StartAsync(redis: redis.Configuration);
        await using var clientA = Client(nodeA, new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.MessagePack));
        await using var clientB = Client(nodeB, new Transport(HttpTransportType.LongPolling, TagInvalidationProtocol.Json));
        var resetsA = new EventRecorder<ResetRequiredEventArgs>();
        var resetsB = new EventRecorder<ResetRequiredEventArgs>();
        var invalidatedA = new EventRecorder<TagsInvalidatedEventArgs>();
        var invalidatedB = new EventRecorder<TagsInvalidatedEventArgs>();
        clientA.ResetRequired += resetsA.Record;
        clientB.ResetRequired += resetsB.Record;
        clientA.Invalidated += invalidatedA.Record;
        clientB.Invalidated += invalidatedB.Record;
        await clientA.StartAsync().Within();
        await clientB.StartAsync().Within();
        await clientA.SubscribeAsync([["doc", "a"]]).Within();
        await clientB.SubscribeAsync([["doc", "b"]]).Within();
        var cursorBefore = clientA.Cursor!.Value;
        using var http = new HttpClient();

        await using var joiner = await RawConnection.StartAsync(nodeA, new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.Json));
        redis.Stop();
        var outageEnds = DateTime.UtcNow + Outage;

        // A subscribe whose group joins cannot reach the backplane gives up at the join timeout (3 s), holds nothing,
        // and leaves the groups it asked for once the joins settle. Redis comes back only after the outage below, so
        // a subscribe that waited for it would not return at all.
        var joinError = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => joiner.SubscribeAsync(["doc", "joined-during-outage"]));
        Assert.Contains("nothing was subscribed", joinError.Message);
        var attempts = 0;
        while (DateTime.UtcNow < outageEnds)
        {
            foreach (var (node, tag) in new[] { (nodeA, new Tag("doc", "b")), (nodeB, new Tag("doc", "a")) })
            {
                var error = await Assert.ThrowsAsync<InvalidationLogUnavailableException>(() => node.InvalidateAsync(tag).WaitAsync(TimeSpan.FromSeconds(8)));
                Assert.Contains("nothing was sent", error.Message);
                attempts++;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri(nodeA.Address, "/health"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(nodeB.Address, "/connections"))).StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.True(attempts >= 10, $"only {attempts} invalidations were attempted during the outage");
        Assert.False(resetsA.HasPending);
        await redis.RestartAsync();

        // Redis came back empty (no persistence): the log lost its past, which both nodes say.
        Assert.Equal("log-lost", (await resetsA.NextAsync().WaitAsync(ResetDeadline)).Reason);
        Assert.Equal("log-lost", (await resetsB.NextAsync().WaitAsync(ResetDeadline)).Reason);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(nodeA.Address, "/health"))).StatusCode);

        // Subscriptions work again, across nodes, through the restored backplane.
        var toB = await nodeA.InvalidateAsync(["doc", "b"]);
        Assert.Equal(toB.Id, (await invalidatedB.NextAsync()).Message.Id);
        var toA = await nodeB.InvalidateAsync(["doc", "a"]);
        Assert.Equal(toA.Id, (await invalidatedA.NextAsync()).Message.Id);

        // The subscribe that failed during the outage left its groups: an invalidation of its tag does not reach it.
        await nodeA.InvalidateAsync(["doc", "joined-during-outage"]);
        Assert.Empty(await joiner.ReceivedBeforeSentinelAsync(nodeA, ["doc", "sentinel-" + Guid.NewGuid().ToString("N")]));

        // Redis came back empty: a new epoch, so a cursor from before the outage cannot be answered.
        Assert.NotEqual(cursorBefore.Epoch, toA.Cursor!.Value.Epoch);
        await using var reconnecting = await RawConnection.StartAsync(nodeB, new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.Json));
        Assert.True((await reconnecting.SubscribeAsync([new Tag("doc", "a")], cursorBefore)).Reset);
    }

    private static TagInvalidationClient Client(KestrelServer node, Transport transport) =>
        TagInvalidationClient.Create(node.HubUrl, options =>
        {
            options.Transports = transport.Type;
            options.Protocol = transport.Protocol;
        });
}
