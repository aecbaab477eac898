using Microsoft.AspNetCore.Http.Connections;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Testing;
using Xunit.Abstractions;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// What one connection can make the server keep is bounded by its budget (by default 96 groups and 16,384 characters
/// of tag text): connections filled to it in the costliest shape (as many groups as allowed, each with as much text as
/// the text budget leaves) are refused past it by rule, and the server's heap per connection at the budget stays under
/// 1 MB, with the Redis backplane (a Redis channel per group) and without.
/// </summary>
[Collection(MemoryMeasurements.Name)]
public sealed class BudgetTests(ITestOutputHelper output)
{
    private const int Connections = 8;
    private const long BoundBytes = 1024 * 1024;
    private static readonly TagInvalidationOptions Defaults = new();

    // One-segment tags ["c03-t017-xxx…"]: each keeps its canonical text twice (the tag and its group), so tags of
    // text / (2 x groups) characters fill both budgets at once. The prefix keeps each connection's tags its own.
    private static readonly int Length = (Defaults.MaxTagTextPerConnection / (2 * Defaults.MaxGroupsPerConnection)) - 4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_at_its_budget_is_refused_past_it_and_costs_the_server_under_1_MB(bool redis)
    {
        await using var redisServer = redis ? await RedisServer.StartAsync() : null;
        await using var server = await KestrelServer.StartAsync(redis: redisServer?.Configuration);
        var transport = new Transport(HttpTransportType.WebSockets, TagInvalidationProtocol.MessagePack);
        var clients = new List<RawConnection>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                clients.Add(await RawConnection.StartAsync(server, transport));
            }

            var before = MemoryMeasurements.HeapAfterFullCollection();
            for (var i = 0; i < Connections; i++)
            {
                var tags = Enumerable.Range(0, Defaults.MaxGroupsPerConnection).Select(t => Filler(i, t)).ToArray();
                Assert.Empty((await clients[i].SubscribeAsync(tags)).Rejected);
            }

            var after = MemoryMeasurements.HeapAfterFullCollection();
            var perConnection = (after - before) / Connections;
            Measurements.Report(output, $"budget, {(redis ? "with the Redis backplane" : "one node")}: {Connections} connections at {Defaults.MaxGroupsPerConnection} groups and {Defaults.MaxTagTextPerConnection:N0} characters each: server heap {perConnection / 1024.0:F0} KB per connection (bound: under {BoundBytes / 1024} KB)");

            // Past the budget, by rule: one more group, or more text in the groups it has.
            var refused = await clients[0].SubscribeAsync(["one-more"], [Filler(0, 0)[0].StringValue, "deeper"]);
            Assert.Equal([(0, TagRules.TooManyGroups), (1, TagRules.TooManyGroups)], refused.Rejected.Select(r => (r.Index, r.Rule)));
            await clients[1].UnsubscribeAsync(Filler(1, 0));
            var tooLong = await clients[1].SubscribeAsync(new Tag(new string('y', Length + 40)));
            Assert.Equal(TagRules.TooMuchTagText, Assert.Single(tooLong.Rejected).Rule);

            Assert.InRange(perConnection, 0, BoundBytes);
            var sent = await server.InvalidateAsync(Filler(7, 7));
            Assert.Equal(sent.Id, (await clients[7].NextAsync()).Id);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static Tag Filler(int connection, int tag)
    {
        var text = $"c{connection:D2}-t{tag:D3}-";
        return new Tag(text + new string('x', Length - text.Length));
    }
}
