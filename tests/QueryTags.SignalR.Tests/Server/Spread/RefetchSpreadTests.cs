using Microsoft.AspNetCore.SignalR;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Spread;

/// <summary>How long the clients of a reset or of a widely held invalidation are told to spread their refetches.</summary>
public class RefetchSpreadTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(99, 0)]
    [InlineData(100, 500)]
    [InlineData(2_000, 10_000)]
    [InlineData(6_000, 30_000)]
    [InlineData(1_000_000, 30_000)]
    public void By_default_the_window_is_scaled_to_the_audience_none_for_few_and_at_most_30_seconds(int audience, int expected) =>
        Assert.Equal(expected, RefetchSpreadWindow.ForReset(audience, option: null));

    [Theory]
    [InlineData(2_000, 0, 0, 0)]
    [InlineData(2_000, 10_000, 10_000, 10_000)]
    [InlineData(99, 10_000, 10_000, 0)]
    [InlineData(1, 10_000, 10_000, 0)]
    [InlineData(100, 10_000, 10_000, 10_000)]
    [InlineData(99, null, 0, 0)]
    [InlineData(2_000, null, 10_000, 10_000)]
    public void A_window_set_applies_to_every_reset_and_to_invalidations_of_large_audiences_and_zero_turns_it_off(int audience, int? optionMs, int reset, int invalidation)
    {
        var option = optionMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;

        Assert.Equal(reset, RefetchSpreadWindow.ForReset(audience, option));
        Assert.Equal(invalidation, RefetchSpreadWindow.ForInvalidation(audience, option));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(60_001)]
    public void The_option_refuses_a_negative_window_or_one_longer_than_clients_accept(int milliseconds)
    {
        var result = new TagInvalidationOptionsValidator().Validate(null, new TagInvalidationOptions { RefetchSpread = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.True(result.Failed);
        Assert.Contains("RefetchSpread must be between zero (off) and 60 seconds", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_option_defaults_to_null_scaled_to_the_connections() =>
        Assert.Null(new TagInvalidationOptions().RefetchSpread);

    [Fact]
    public async Task A_reset_of_a_node_with_many_connections_carries_the_window()
    {
        var server = new TestServices();
        for (var i = 0; i < 100; i++)
        {
            server.Connect();
        }

        await ((ILocalClientReset)server.Connections).ResetAllAsync("backplane-restored", default);

        Assert.Equal(100, server.HubContext.Resets.Count);
        Assert.All(server.HubContext.Resets, sent => Assert.Equal(500, sent.Message.SpreadMilliseconds));
    }

    [Fact]
    public async Task A_reset_of_a_few_connections_is_at_once()
    {
        var server = new TestServices();
        server.Connect();

        await ((ILocalClientReset)server.Connections).ResetAllAsync("backplane-restored", default);

        Assert.Equal(0, Assert.Single(server.HubContext.Resets).Message.SpreadMilliseconds);
    }

    [Fact]
    public async Task A_subscribe_answered_with_a_reset_carries_the_window_and_one_answered_exactly_does_not()
    {
        var server = new TestServices(options => options.RefetchSpread = TimeSpan.FromSeconds(4));
        var groups = new RecordingGroupManager();
        var connections = Enumerable.Range(0, 100).Select(_ => server.Connect()).ToArray();

        var reset = await server.Subscriptions.SubscribeAsync(connections[0], groups, [Tag("todos")], "abcdefabcdef:5");
        var exact = await server.Subscriptions.SubscribeAsync(connections[1], groups, [Tag("todos")], "age:1000");

        Assert.True(reset.Reset);
        Assert.Equal(4000, reset.SpreadMilliseconds);
        Assert.False(exact.Reset);
        Assert.Equal(0, exact.SpreadMilliseconds);
    }

    [Fact]
    public async Task An_invalidation_held_by_many_connections_carries_the_window_and_one_held_by_a_few_does_not()
    {
        var server = new TestServices();
        var groups = new RecordingGroupManager();
        var connections = new List<TestHubCallerContext>();
        for (var i = 0; i < 100; i++)
        {
            var connection = server.Connect();
            connections.Add(connection);
            await server.Subscriptions.SubscribeAsync(connection, groups, [Tag("todo", i)], null);
        }

        // All 100 are in ["todo"]'s group; ["todo", 7]'s has one.
        var wide = await server.Invalidator.InvalidateTagsAsync([["todo"]]);
        var narrow = await server.Invalidator.InvalidateTagsAsync([["todo", 7]]);
        await server.Subscriptions.DisconnectedAsync(connections[0]);
        var fewer = await server.Invalidator.InvalidateTagsAsync([["todo"]]);

        Assert.Equal(500, wide.SpreadMilliseconds);
        Assert.Equal(0, narrow.SpreadMilliseconds);
        Assert.Equal(0, fewer.SpreadMilliseconds);
        Assert.Equal(500, ((InvalidationMessage)Assert.Single(server.HubContext.GroupSends[0].Arguments)!).SpreadMilliseconds);
    }

    [Fact]
    public async Task Released_tags_leave_the_audience()
    {
        var server = new TestServices();
        var groups = new RecordingGroupManager();
        var connection = server.Connect();
        await server.Subscriptions.SubscribeAsync(connection, groups, [Tag("todo", 1), Tag("todo", 2)], null);

        Assert.Equal(1, server.HeldTags.HoldersOf("[\"todo\"]"));
        Assert.Equal(1, server.HeldTags.HoldersOf("[\"todo\",1]"));
        await server.Subscriptions.UnsubscribeAsync(connection, groups, [Tag("todo", 1)]);
        Assert.Equal(1, server.HeldTags.HoldersOf("[\"todo\"]"));
        Assert.Equal(0, server.HeldTags.HoldersOf("[\"todo\",1]"));
        await server.Subscriptions.DisconnectedAsync(connection);
        Assert.Equal(0, server.HeldTags.HoldersOf("[\"todo\"]"));
    }

    private static object Tag(params object[] segments) => System.Text.Json.JsonSerializer.SerializeToElement(segments);
}
