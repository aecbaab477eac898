using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Tests.Client.Internal;

public class ChunkedSubscribeResultTests
{
    [Fact]
    public void Rejections_point_into_the_whole_list_and_misses_add_up()
    {
        var result = new ChunkedSubscribeResult();

        result.Add(Answer("e:3", missed: [["todo", 1]], rejectedAt: [1]), chunkLength: 2);
        result.Add(Answer("e:4", missed: [["todo", 3]], rejectedAt: [0]), chunkLength: 2);

        var merged = result.Result;
        Assert.Equal([1, 2], merged.Rejected.Select(rejection => rejection.Index));
        Assert.Equal([new Tag("todo", 1), new Tag("todo", 3)], merged.Missed);
        Assert.Equal(InvalidationCursor.Parse("e:4"), merged.Cursor);
        Assert.False(merged.Reset);
    }

    [Fact]
    public void A_reset_in_any_call_is_a_reset()
    {
        var result = new ChunkedSubscribeResult();

        result.Add(Answer("e:3", reset: true), chunkLength: 1);
        result.Add(Answer("e:3"), chunkLength: 1);

        Assert.True(result.Result.Reset);
    }

    private static SubscribeResult Answer(string cursor, Tag[]? missed = null, int[]? rejectedAt = null, bool reset = false) => new()
    {
        Cursor = InvalidationCursor.Parse(cursor),
        Reset = reset,
        Missed = missed ?? [],
        Rejected = (rejectedAt ?? []).Select(index => new TagRejection { Index = index, Tag = "[]", Rule = "rule", Reason = "reason" }).ToArray(),
    };
}
