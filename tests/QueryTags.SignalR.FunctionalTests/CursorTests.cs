using Microsoft.Extensions.Time.Testing;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Reconnecting with a cursor: exactly the held tags invalidated meanwhile, or a reset when that cannot be told.</summary>
public sealed class CursorTests(KestrelServerFixture fixture) : IClassFixture<KestrelServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task Reconnecting_with_a_cursor_returns_exactly_the_held_tags_invalidated_meanwhile(Transport transport)
    {
        Tag[] held = [["todo", 1], ["todo", 2], ["todo", 3, "comments"], ["user", 9]];
        InvalidationCursor cursor;
        await using (var first = await RawConnection.StartAsync(Server, transport))
        {
            Assert.Empty((await first.SubscribeAsync(held)).Missed);
            await Server.InvalidateAsync(["todo", 1]);
            cursor = (await first.NextAsync()).Cursor!.Value;
        }

        await Server.InvalidateAsync(["todo", 2]);
        await Server.InvalidateAsync(["todo", 3]);
        await Server.InvalidateAsync(["elsewhere"]);

        await using var second = await RawConnection.StartAsync(Server, transport);
        var result = await second.SubscribeAsync(held, cursor);

        Assert.False(result.Reset);
        Assert.Equal(["[\"todo\",2]", "[\"todo\",3,\"comments\"]"], result.Missed.Select(tag => tag.Canonical).Order());
        Assert.Empty(result.Rejected);
        var now = result.Cursor;
        Assert.True(now.Sequence > cursor.Sequence);

        // Asking again from the new cursor: nothing more was missed.
        Assert.Empty((await second.SubscribeAsync(held, result.Cursor)).Missed);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_connection_polling_its_position_learns_nothing_of_others_private_invalidations(Transport transport)
    {
        // An anonymous connection asks Subscribe([], null) before and after 20 invalidations of another user's
        // private tags. Its positions are the log's clock, each within the wall clock of its call (a second of slack
        // for the log's monotonic clock), not a count that moved by 20.
        await using var observer = await RawConnection.StartAsync(Server, transport);
        var beforeFirst = WallClock();
        var first = (await observer.SubscribeAsync()).Cursor;
        var afterFirst = WallClock();
        for (var i = 0; i < 20; i++)
        {
            await Server.InvalidateAsync(["account", "alice", "private", i]);
        }

        var beforeSecond = WallClock();
        var second = (await observer.SubscribeAsync()).Cursor;
        var afterSecond = WallClock();

        Assert.InRange(first.Sequence, beforeFirst - 1_000_000, afterFirst + 1_000_000);
        Assert.InRange(second.Sequence, beforeSecond - 1_000_000, afterSecond + 1_000_000);

        // Probing with cursors just after the first position, as a binary search would: answered, never a reset
        // that would count what came in between.
        for (var step = 1; step <= 20; step++)
        {
            Assert.False((await observer.SubscribeAsync([], first with { Sequence = first.Sequence + step })).Reset);
        }
    }

    private static long WallClock() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_first_subscribe_with_an_age_reports_what_was_invalidated_within_it(Transport transport)
    {
        // The server's clock moves two minutes between the invalidations; an age of one minute ends between them
        // however long the calls take.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await KestrelServer.StartAsync(time: time);
        await server.InvalidateAsync(["aged", 1]);
        time.Advance(TimeSpan.FromMinutes(2));
        await server.InvalidateAsync(["aged", 2]);
        await using var client = await RawConnection.StartAsync(server, transport);

        var recent = await client.SubscribeAsync([new Tag("aged", 1), new Tag("aged", 2), new Tag("aged", 3)], InvalidationCursor.ForAge(TimeSpan.FromMinutes(1)));

        Assert.False(recent.Reset);
        Assert.Equal([new Tag("aged", 2)], recent.Missed);
        Assert.True(InvalidationCursor.TryParse(recent.Cursor.ToString(), out _));
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_cursor_from_another_epoch_gets_a_reset(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        var current = (await client.SubscribeAsync(["todos"])).Cursor;

        var result = await client.SubscribeAsync([new Tag("todos")], new InvalidationCursor("0123456789ab", current.Sequence));

        Assert.True(result.Reset);
        Assert.Empty(result.Missed);
        Assert.Equal(current.Epoch, result.Cursor.Epoch);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_cursor_past_the_retention_window_gets_a_reset(Transport transport)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await KestrelServer.StartAsync(options => options.RetentionWindow = TimeSpan.FromMinutes(1), time: time);
        InvalidationCursor old;
        await using (var before = await RawConnection.StartAsync(server, transport))
        {
            old = (await before.SubscribeAsync(["todos"])).Cursor;
        }

        await server.InvalidateAsync(["todos"]);
        time.Advance(TimeSpan.FromMinutes(2));
        await server.InvalidateAsync(["other"]);
        await using var client = await RawConnection.StartAsync(server, transport);

        var result = await client.SubscribeAsync([new Tag("todos")], old);

        Assert.True(result.Reset);

        // A cursor inside the window is still answered exactly.
        var fresh = await client.SubscribeAsync([new Tag("todos")], result.Cursor);
        Assert.False(fresh.Reset);
        Assert.Empty(fresh.Missed);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_restarted_server_has_a_new_epoch_so_old_cursors_get_a_reset(Transport transport)
    {
        InvalidationCursor cursor;
        await using (var before = await KestrelServer.StartAsync())
        await using (var client = await RawConnection.StartAsync(before, transport))
        {
            cursor = (await client.SubscribeAsync(["todos"])).Cursor;
        }

        await using var after = await KestrelServer.StartAsync();
        await using var reconnected = await RawConnection.StartAsync(after, transport);

        Assert.True((await reconnected.SubscribeAsync([new Tag("todos")], cursor)).Reset);
    }
}
