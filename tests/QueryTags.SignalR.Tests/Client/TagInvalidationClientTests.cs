using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Time.Testing;
using QueryTags.SignalR.Client;

namespace QueryTags.SignalR.Tests.Client;

/// <summary>
/// What the .NET client does without a server: Apply, the coalesce window on fake time, and the status of a start
/// that cannot reach anyone. Pushes, reconnects and the status of a live connection are in the functional tests.
/// </summary>
public class TagInvalidationClientTests
{
    // Nothing listens on port 1 of the loopback: a connection attempt is refused at once.
    private static readonly Uri Nowhere = new("http://127.0.0.1:1/hubs/invalidation");

    [Fact]
    public async Task Apply_reports_the_held_tags_it_matches_once_per_id()
    {
        await using var client = TagInvalidationClient.Create(Nowhere);
        var invalidated = Record<TagsInvalidatedEventArgs>(handler => client.Invalidated += handler);
        await client.SubscribeAsync([["todos"], ["todo", 7], ["todo", 8]]);

        client.Apply("own-1", [["todo", 7], ["users"]]);
        client.Apply("own-1", [["todo", 7]]);
        client.Apply(" own-1 , own-2", [["todo"]]);
        client.Apply("own-3", [["users"]]);

        Assert.Collection(
            invalidated,
            first =>
            {
                Assert.Equal("own-1", first.Message.Id);
                Assert.Equal([new Tag("todo", 7)], first.MatchedTags);
            },
            // own-2 has reached neither todo tag yet; each is reported once although two ids name it.
            second => Assert.Equal(["[\"todo\",7]", "[\"todo\",8]"], second.MatchedTags.Select(tag => tag.Canonical).Order()));
    }

    [Fact]
    public async Task Apply_refuses_an_empty_id_or_tag_and_counts_nothing()
    {
        await using var client = TagInvalidationClient.Create(Nowhere);
        await client.SubscribeAsync([["todos"]]);

        Assert.Throws<ArgumentException>(() => client.Apply(" ", [["todos"]]));
        var empty = Assert.Throws<ArgumentException>(() => client.Apply("own-1", [["todos"], default]));
        Assert.Contains("needs at least one segment", empty.Message, StringComparison.Ordinal);

        // own-1 was not applied by the refused call.
        var invalidated = Record<TagsInvalidatedEventArgs>(handler => client.Invalidated += handler);
        client.Apply("own-1", [["todos"]]);
        Assert.Single(invalidated);
    }

    [Fact]
    public async Task The_coalesce_window_reports_the_first_invalidation_at_once_and_the_rest_once_at_its_end()
    {
        var time = new FakeTimeProvider();
        await using var client = TagInvalidationClient.Create(Nowhere, options =>
        {
            options.CoalesceWindow = TimeSpan.FromMilliseconds(250);
            options.TimeProvider = time;
        });
        var coalesced = Record<CoalescedInvalidationsEventArgs>(handler => client.InvalidatedCoalesced += handler);
        var invalidated = Record<TagsInvalidatedEventArgs>(handler => client.Invalidated += handler);
        await client.SubscribeAsync([["a"], ["b"]]);

        client.Apply("1", [["a"]]);
        Assert.Equal(["[\"a\"]"], Canonical(Assert.Single(coalesced).MatchedTags));

        client.Apply("2", [["b"]]);
        client.Apply("3", [["a"]]);
        client.Apply("4", [["b"]]);
        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Single(coalesced);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, coalesced.Count);
        Assert.Equal(["[\"a\"]", "[\"b\"]"], Canonical(coalesced[1].MatchedTags));
        Assert.Equal(["2", "3", "4"], coalesced[1].Ids);

        // The report at the window's end opened another; it closes quietly, and the next invalidation is reported at once.
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(2, coalesced.Count);
        client.Apply("5", [["b"]]);
        Assert.Equal(3, coalesced.Count);
        Assert.Equal(["5"], coalesced[2].Ids);

        // Invalidated still tells of each invalidation.
        Assert.Equal(["1", "2", "3", "4", "5"], invalidated.Select(e => e.Message.Id));
    }

    [Fact]
    public async Task Without_a_coalesce_window_nothing_is_coalesced()
    {
        var time = new FakeTimeProvider();
        await using var client = TagInvalidationClient.Create(Nowhere, options => options.TimeProvider = time);
        var coalesced = Record<CoalescedInvalidationsEventArgs>(handler => client.InvalidatedCoalesced += handler);
        var invalidated = Record<TagsInvalidatedEventArgs>(handler => client.Invalidated += handler);
        await client.SubscribeAsync([["a"]]);

        client.Apply("1", [["a"]]);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Single(invalidated);
        Assert.Empty(coalesced);
    }

    [Fact]
    public async Task A_start_that_cannot_reach_the_server_goes_from_connecting_to_failed_and_a_stop_to_disconnected()
    {
        await using var client = TagInvalidationClient.Create(Nowhere, options => options.ReconnectPolicy = new GiveUpPolicy());
        var changes = Record<TagInvalidationStatusChangedEventArgs>(handler => client.StatusChanged += handler);
        Assert.Equal(TagInvalidationStatus.Disconnected, client.Status);

        var thrown = await Assert.ThrowsAsync<TagInvalidationConnectionException>(() => client.StartAsync());

        Assert.Equal(TagInvalidationStatus.Failed, client.Status);
        Assert.Collection(
            changes,
            connecting => Assert.Equal(new TagInvalidationStatusChangedEventArgs(TagInvalidationStatus.Connecting, null), connecting),
            failed => Assert.Equal(new TagInvalidationStatusChangedEventArgs(TagInvalidationStatus.Failed, thrown), failed));
        Assert.Equal(TagInvalidationFailure.GaveUp, thrown.Failure);

        await client.StopAsync();
        Assert.Equal(TagInvalidationStatus.Disconnected, Assert.Single(changes.Skip(2)).Status);
    }

    [Fact]
    public async Task A_start_that_keeps_failing_raises_Error_unreachable_once_and_keeps_trying()
    {
        await using var client = TagInvalidationClient.Create(Nowhere, options => options.ReconnectPolicy = new AtOncePolicy());
        var errors = new TaskCompletionSource<TagInvalidationErrorEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var changes = Record<TagInvalidationStatusChangedEventArgs>(handler => client.StatusChanged += handler);
        client.Error += (_, args) => errors.TrySetResult(args);

        var start = client.StartAsync();
        var error = Assert.IsType<TagInvalidationConnectionException>((await errors.Task.WaitAsync(TimeSpan.FromSeconds(30))).Error);

        Assert.Equal(TagInvalidationFailure.Unreachable, error.Failure);
        Assert.Equal($"cannot reach the hub at {Nowhere} after 3 tries (still trying). Is the server up, and is the URL right?", error.Hint);
        Assert.Equal(TagInvalidationStatus.Connecting, client.Status);
        Assert.False(start.IsCompleted);

        await client.StopAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.Equal(
            [(TagInvalidationStatus.Connecting, null), (TagInvalidationStatus.Connecting, error), (TagInvalidationStatus.Disconnected, null)],
            changes.Select(change => (change.Status, change.Error)));
    }

    private static List<T> Record<T>(Action<EventHandler<T>> subscribe)
    {
        var events = new List<T>();
        subscribe((_, args) => events.Add(args));
        return events;
    }

    private static List<string> Canonical(IEnumerable<Tag> tags) => [.. tags.Select(tag => tag.Canonical).Order(StringComparer.Ordinal)];

    private sealed class AtOncePolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.Zero;
    }
}
