using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>Bad input gets an error naming the rule; the connection stays open and works afterwards.</summary>
public sealed class InvalidInputTests(KestrelServerFixture fixture) : IClassFixture<KestrelServerFixture>
{
    private KestrelServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task Each_invalid_tag_is_rejected_with_its_rule_and_the_rest_are_joined(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        object?[] tags =
        [
            new object[] { "ok" },
            Array.Empty<object>(),
            Enumerable.Range(0, 9).Select(i => (object)i).ToArray(),
            new object[] { new string('x', 129) },
            new object[] { "todo", 1.5 },
            new object[] { new Dictionary<string, object> { ["id"] = 5 } },
            new Dictionary<string, object> { ["todo"] = 5 },
            new object?[] { null },
        ];

        var result = await client.SubscribeRawAsync(tags);

        Assert.Equal(
            [
                (1, TagRules.Empty),
                (2, TagRules.TooManySegments),
                (3, TagRules.SegmentTooLong),
                (4, TagRules.SegmentType),
                (5, TagRules.SegmentType),
                (6, TagRules.NotAnArray),
                (7, TagRules.SegmentType),
            ],
            result.Rejected.Select(rejection => (rejection.Index, rejection.Rule)));
        Assert.All(result.Rejected, rejection => Assert.False(string.IsNullOrWhiteSpace(rejection.Reason)));
        Assert.Contains("1.5", result.Rejected.Single(r => r.Index == 4).Tag);
        Assert.Contains("at most 128", result.Rejected.Single(r => r.Index == 3).Reason);

        await AssertStillWorksAsync(client, ["ok"]);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task More_than_256_tags_in_one_call_is_refused_whole_and_the_connection_works_on(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);
        var tooMany = Enumerable.Range(0, 257).Select(i => new Tag("bulk", i)).ToArray();

        var error = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync(tooMany));

        Assert.Contains(TagRules.TooManyTagsPerCall, error.Message);
        Assert.Contains("257", error.Message);
        await AssertStillWorksAsync(client, ["after", "error"]);
        var sentinel = await Server.InvalidateAsync(["bulk", 0]);
        var position = (await client.SubscribeAsync(["bulk", 0])).Cursor;
        Assert.Equal(sentinel.Cursor!.Value.Epoch, position.Epoch);
        Assert.True(position.Sequence >= sentinel.Cursor.Value.Sequence);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task Tags_past_the_connection_budget_are_refused_by_rule_and_held_tags_still_work(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);

        // ["held"] and ["held", 0..94]: 96 groups, the budget.
        Assert.Empty((await client.SubscribeAsync(Enumerable.Range(0, 95).Select(i => new Tag("held", i)).ToArray())).Rejected);
        var overGroups = await client.SubscribeAsync(["held", 7], ["one", "more"]);

        var rejection = Assert.Single(overGroups.Rejected);
        Assert.Equal((1, TagRules.TooManyGroups), (rejection.Index, rejection.Rule));
        Assert.Contains("at most 96", rejection.Reason);
        var sent = await Server.InvalidateAsync(["held", 94]);
        Assert.Equal(sent.Id, (await client.NextAsync()).Id);

        // Releasing a tag makes room again; a tag of long segments is refused for its text.
        await client.UnsubscribeAsync(["held", 0], ["held", 1]);
        Assert.Empty((await client.SubscribeAsync(["held", "again"])).Rejected);
        Assert.Equal(TagRules.TooManyGroups, Assert.Single((await client.SubscribeAsync(Long('v'))).Rejected).Rule);

        // With groups to spare, three tags of seven 128-character segments fit in the text budget and a fourth does not.
        await client.UnsubscribeAsync([.. Enumerable.Range(2, 70).Select(i => new Tag("held", i))]);
        var text = await client.SubscribeAsync(Long('w'), Long('x'), Long('y'), Long('z'));
        var refused = Assert.Single(text.Rejected);
        Assert.Equal((3, TagRules.TooMuchTagText), (refused.Index, refused.Rule));
        Assert.Contains("at most 16384", refused.Reason);
        await AssertStillWorksAsync(client, ["held", 94]);

        static Tag Long(char first) => new(["held", .. Enumerable.Range(0, 7).Select(i => (TagSegment)(first + new string((char)('a' + i), 127)))]);
    }

    [Theory]
    [MemberData(nameof(Transport.Matrix), MemberType = typeof(Transport))]
    public async Task A_malformed_cursor_or_an_invalid_unsubscribe_is_a_HubException(Transport transport)
    {
        await using var client = await RawConnection.StartAsync(Server, transport);

        var cursorError = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync([new Tag("a")], "not-a-cursor"));
        Assert.Contains("epoch:sequence", cursorError.Message);
        var unsubscribeError = await Assert.ThrowsAsync<HubException>(() =>
            client.Connection.InvokeAsync(InvalidationHubMethods.Unsubscribe, (object)new object[] { Array.Empty<object>() }).Within());
        Assert.Contains(TagRules.Empty, unsubscribeError.Message);
        var hostileError = await Assert.ThrowsAsync<HubException>(() =>
            client.Connection.InvokeAsync(InvalidationHubMethods.Unsubscribe, (object)new object[] { new object[] { "todo", new Dictionary<string, int> { ["x"] = 1 } } }).Within());
        Assert.Contains("Unsubscribe: tag 0 [\"todo\",", hostileError.Message, StringComparison.Ordinal);
        Assert.Contains($"breaks rule {TagRules.SegmentType}: ", hostileError.Message, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was released.", hostileError.Message, StringComparison.Ordinal);

        await AssertStillWorksAsync(client, ["a"]);
    }

    private async Task AssertStillWorksAsync(RawConnection client, Tag tag)
    {
        Assert.Empty((await client.SubscribeAsync(tag)).Rejected);
        var sent = await Server.InvalidateAsync(tag);
        Assert.Equal(sent.Id, (await client.NextAsync()).Id);
    }
}
