namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// One answer for a subscribe the client sent in several calls (the server takes a bounded number of tags per
/// call): what any call missed, rejections indexed into the whole list, reset when any call said so (spread over the
/// longest window any call asked), the latest cursor. The TypeScript client's <c>ChunkedSubscribeResult</c> does the same; both are checked against
/// <c>tests/vectors/client.json</c>.
/// </summary>
internal sealed class ChunkedSubscribeResult
{
    private readonly List<Tag> _missed = [];
    private readonly List<TagRejection> _rejected = [];
    private bool _reset;
    private int _spread;
    private InvalidationCursor? _cursor;
    private int _offset;

    /// <summary>The merged answer; its cursor is the latest any call answered, not the last call's.</summary>
    public SubscribeResult Result => new() { Cursor = _cursor ?? default, Reset = _reset, Missed = _missed, Rejected = _rejected, SpreadMilliseconds = _spread };

    /// <summary>Adds the answer to the next call, which sent <paramref name="chunkLength"/> tags.</summary>
    public void Add(SubscribeResult chunk, int chunkLength)
    {
        _missed.AddRange(chunk.Missed);
        _rejected.AddRange(chunk.Rejected.Select(rejection => new TagRejection
        {
            Index = rejection.Index + _offset,
            Tag = rejection.Tag,
            Rule = rejection.Rule,
            Reason = rejection.Reason,
        }));
        _reset |= chunk.Reset;
        _spread = Math.Max(_spread, chunk.SpreadMilliseconds);
        _cursor = InvalidationCursor.Latest(_cursor, chunk.Cursor);
        _offset += chunkLength;
    }
}
