using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

[CollectionDefinition(nameof(ThousandConnectionsTests), DisableParallelization = true)]
public sealed class ThousandConnectionsCollection;

/// <summary>Targeting at scale: of 1,000 connections, exactly the 100 holders receive an invalidation, once.</summary>
[Collection(nameof(ThousandConnectionsTests))]
public sealed class ThousandConnectionsTests
{
    private const int Connections = 1000;
    private const int Holders = 100;

    [Fact]
    public async Task An_invalidation_reaches_exactly_the_100_holders_among_1000_connections_once()
    {
        await using var server = await KestrelServer.StartAsync();
        var transport = new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.MessagePack);
        var received = new ConcurrentDictionary<int, ConcurrentQueue<InvalidationMessage>>();
        var connections = new HubConnection[Connections];
        var sentinelsSeen = new CountdownEvent(Connections);
        Tag sentinel = ["everyone"];
        try
        {
            using var gate = new SemaphoreSlim(50);
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async index =>
            {
                await gate.WaitAsync();
                try
                {
                    var connection = RawConnection.Builder(server.HubUrl, transport).Build();
                    var inbox = received.GetOrAdd(index, _ => new ConcurrentQueue<InvalidationMessage>());
                    connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, message =>
                    {
                        // Told apart by its tag: it can arrive before InvalidateAsync returns its id.
                        if (message.Tags.Contains(sentinel))
                        {
                            sentinelsSeen.Signal();
                        }
                        else
                        {
                            inbox.Enqueue(message);
                        }
                    });
                    connections[index] = connection;
                    await connection.StartAsync().Within();
                    Tag[] tags = index % (Connections / Holders) == 0
                        ? [["conn", index], ["everyone"], ["hot", "topic"]]
                        : [["conn", index], ["everyone"], ["hot", "other"]];
                    var result = await connection.InvokeAsync<SubscribeResult>(InvalidationHubMethods.Subscribe, tags, null).Within();
                    Assert.Empty(result.Rejected);
                }
                finally
                {
                    gate.Release();
                }
            }));

            var sent = await server.InvalidateAsync(["hot", "topic"]);
            await server.InvalidateAsync(sentinel);

            // Every connection saw the sentinel sent after the invalidation, so whatever it got is in its inbox.
            Assert.True(sentinelsSeen.Wait(TestTimeouts.Default), $"{sentinelsSeen.CurrentCount} connections never got the sentinel.");
            var holders = Enumerable.Range(0, Connections).Where(index => index % (Connections / Holders) == 0).ToHashSet();
            Assert.Equal(Holders, holders.Count);
            foreach (var (index, inbox) in received)
            {
                var ids = inbox.Select(message => message.Id).ToArray();
                Assert.Equal(holders.Contains(index) ? [sent.Id] : [], ids);
            }
        }
        finally
        {
            await Task.WhenAll(connections.Where(connection => connection is not null).Select(connection => connection.DisposeAsync().AsTask()));
        }
    }
}
